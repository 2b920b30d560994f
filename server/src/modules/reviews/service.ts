// The reviews module's public face: server.ts (routes, personal data, the card's reader) imports from here.
export { writeReview, editReview, deleteReview, isWornInSizes, type ReviewInput } from './reviews.ts';
export {
  productReviews,
  reviewViewer,
  reviewSummary,
  myReviews,
  moderationList,
  reviewsOfMember,
  reviewsOfMemberPart,
  type MemberReviews,
  type ReviewView,
  type Summary,
} from './read.ts';
export { castVote, withdrawVote } from './votes.ts';
export { hideReview, unhideReview, replyToReview } from './moderation.ts';
export { addPhoto, removePhoto, readPhoto, MAX_PHOTOS } from './photos.ts';
export { exportReviews, eraseReviews, reviewsMergeStep } from './personal-data.ts';
export { reviewRoutes } from './routes.ts';
export { memberReviewsView } from './schemas.ts';
