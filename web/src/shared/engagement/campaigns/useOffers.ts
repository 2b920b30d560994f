/**
 * The offers a campaign may carry: single-use coupons whose promotion is switched on and not ended — for a
 * store manager, only those valid at her stores' tills (the server decides).
 */
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';

export type OfferChoice = Awaited<ReturnType<typeof fetchOffers>>[number];

const fetchOffers = async () => (await call(api.GET('/api/campaign-offers'))).items;

export function useOfferChoices() {
  return useQuery({ queryKey: ['hq', 'campaigns', 'offers'], queryFn: fetchOffers });
}
