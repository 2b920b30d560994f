import { useEffect } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { Customer, CustomerSession } from '../shared/api/types';
import { updateStoredCustomer } from '../shared/customer/session';

/** My profile, fresh from the server (tier and name can change in store); the signed-in copy meanwhile. */
export function useAccount(session: CustomerSession): Customer {
  const me = useQuery({ queryKey: ['account', 'me'], queryFn: () => call(api.GET('/api/account')) });
  useEffect(() => {
    if (me.data && JSON.stringify(me.data) !== JSON.stringify(session.customer)) updateStoredCustomer(me.data);
  }, [me.data, session.customer]);
  return me.data ?? session.customer;
}
