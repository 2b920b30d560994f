import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../api/client';
import type { Address, SavedAddress } from '../api/types';
import { useCustomerSession } from './session';

/** Her address book (お届け先), the default first; nothing for a guest. */
export function useAddressBook() {
  const member = useCustomerSession();
  return useQuery({
    queryKey: ['account', 'addresses'],
    queryFn: () => call(api.GET('/api/account/addresses')),
    enabled: !!member,
    select: (d) => d.items,
  });
}

/** Save an address to her book (the answer is the whole book, put straight into the cache). */
export function useSaveAddress() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (
      body: Omit<SavedAddress, 'id' | 'label' | 'line2' | 'lat' | 'lng' | 'isDefault'> & {
        label?: string;
        line2?: string | undefined;
        isDefault?: boolean;
      },
    ) => call(api.POST('/api/account/addresses', { body })),
    onSuccess: (d) => qc.setQueryData(['account', 'addresses'], d),
  });
}

/** A saved address as checkout's address (without its pin: delivery sets the pin on the map). */
export function toAddress(s: SavedAddress): Address {
  return {
    postalCode: s.postalCode,
    prefecture: s.prefecture,
    city: s.city,
    line1: s.line1,
    line2: s.line2 ?? '',
    name: s.name,
    phone: s.phone,
  };
}

/** Whether an address is already in her book (the same place and the same person). */
export function isSaved(book: readonly SavedAddress[], a: Address): boolean {
  const k = (x: Pick<Address, 'postalCode' | 'line1' | 'name'>) =>
    [x.postalCode.replace(/\D/g, ''), x.line1.normalize('NFKC').trim(), x.name.normalize('NFKC').trim()].join('|');
  return book.some((s) => k(s) === k(a));
}
