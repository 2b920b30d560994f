import type { recommendationsJa } from './recommendations.ja';

/** English for recommendations: every key of recommendations.ja.ts. */
export const recommendationsEn: Record<keyof typeof recommendationsJa, string> = {
  'recs.alsoBought': 'Often bought together',
  'recs.forYou': 'Recommended for you',
  'recs.forYouHint': 'Chosen from what you bought and looked at, online and in store.',
  'recs.basedOn': 'For those who bought “{name}”',
  'recs.popular': 'Popular',
  'card.suggestions': 'Three suggestions',
  'card.suggestionsHint': 'In stock at this store, not bought yet',
  'card.suggestionsNone': 'Nothing in this store’s stock to suggest yet.',
  'card.suggestionBasedOn': 'For those who bought “{name}”',
  'card.suggestionPopular': 'Popular',
};
