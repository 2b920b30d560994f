import type { rfmJa } from './rfm.ja';

/** English for the RFM screen: every key of rfm.ja.ts. */
export const rfmEn: Record<keyof typeof rfmJa, string> = {
  'rfm.view': 'RFM',
  'rfm.title': 'RFM analysis',
  'rfm.lead':
    'Members who bought in the last year, by how recently (R) and how often (F) they bought, in fifths. Each cell shows its members and their spend over the year (after returns, tax included). Open a cell or a group to make a segment of its members.',
  'rfm.buyers': '{count} members bought, {amount} in all',
  'rfm.none': 'No member has bought in the last year.',
  'rfm.grid': 'R × F grid',
  'rfm.recency': 'Recency (R)',
  'rfm.frequency': 'Frequency (F)',
  'rfm.r': 'R{score}',
  'rfm.f': 'F{score}',
  'rfm.members': '{count} members',
  'rfm.perMember': '{amount} each',
  'rfm.cellLink': 'Make a segment of the {count} members at R{r}, F{f}',
  'rfm.groups': 'Groups',
  'rfm.group': 'Group',
  'rfm.groupMembers': 'Members',
  'rfm.groupSpend': 'Spend',
  'rfm.groupPerMember': 'Per member',
  'rfm.makeSegment': 'Make a segment',
  'rfm.asOf': 'Figures as of {at}.',
  'rfm.cuts': 'Cut points: R5 bought on or after {r5}; F5 has {f5} orders or more.',
  'rfm.segmentName': 'RFM R{r} F{f}',
  'rfm.recent': 'recent',
  'rfm.often': 'often',
};
