/** Where a campaign with an offer sends her when it has no link of its own: her coupon list. */
export const COUPON_LIST_PATH = '/account/coupons';

/** The reason her offer code was issued for (promotions' `issuedFor`): one code per member per campaign. */
export const offerKey = (campaignId: string) => `campaign:${campaignId}`;

/** A trigger's offer is issued per firing (a birthday each year brings a new code): `campaign:<id>:<firing>`. */
export const firingOfferKey = (campaignId: string, firing: number) => `${offerKey(campaignId)}:${firing}`;
