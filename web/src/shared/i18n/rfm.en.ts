import type { rfmJa } from './rfm.ja';

export const rfmEn: Record<keyof typeof rfmJa, string> = {
  'analytics.view.rfm': 'RFM',
  'rfm.title': 'RFM analysis',
  'rfm.lead':
    'Members who bought in the last 365 days, by how recently (recency) and how often (frequency) they bought, five levels each. Click a cell to make a segment of its members.',
  'rfm.buyers': 'Buying members',
  'rfm.spend': 'Net spend, 365 days',
  'rfm.recency': 'Recency',
  'rfm.frequency': 'Frequency',
  'rfm.recencyAxis': 'Recency (5 = most recent)',
  'rfm.frequencyAxis': 'Frequency (5 = most often)',
  'rfm.cellTitle': 'Recency {r} · frequency {f}',
  'rfm.cellLabel': 'Recency {r} · frequency {f}: {members} members, {perMember} each. Make a segment',
  'rfm.people': '{n}',
  'rfm.perMember': 'Per member',
  'rfm.groups': 'RFM groups',
  'rfm.groupSegment': 'RFM {name}',
  'rfm.corner': 'R \\ F',
  'rfm.legend':
    'Rows: recency (top = most recent); columns: frequency (right = most often). Each cell: members, then net spend per member.',
  'rfm.none': 'No member has bought in the last 365 days yet.',
  'rfm.csv': 'Export CSV',
  'rfm.table': 'Members and spend per cell',
  'rfm.col.cell': 'Cell',
  'rfm.col.members': 'Members',
  'rfm.col.spend': 'Net spend',
  'rfm.col.perMember': 'Per member',
  'rfm.col.monetary': 'Mean monetary score',
  'rfm.store': 'Store',
  'rfm.allStores': 'All members',
};
