import { describe, expect, it } from 'vitest';
import { changesBetween } from './audit.ts';

describe('what a change changed, for the audit trail', () => {
  it('names each changed field with what it was and became; unchanged fields and key order are not changes', () => {
    const before = {
      phone: '',
      pickupDays: null,
      openingHours: { mon: { open: '10:00', close: '21:00' }, tue: null },
      services: { pickup: true, deliveryRadiusKm: null },
    };
    const after = {
      phone: '03-1111-2222',
      pickupDays: null,
      openingHours: { mon: { close: '21:00', open: '10:00' }, tue: { open: '11:00', close: '19:00' } },
      services: { deliveryRadiusKm: 3, pickup: true },
    };
    expect(changesBetween(before, after, ['openingHours', 'services'])).toEqual({
      phone: { from: '', to: '03-1111-2222' },
      'openingHours.tue': { from: null, to: { open: '11:00', close: '19:00' } },
      'services.deliveryRadiusKm': { from: null, to: 3 },
    });
  });

  it('a field not nested is compared whole, and a first setting is from null', () => {
    expect(changesBetween({}, { host: '192.168.1.50', port: 9100 })).toEqual({
      host: { from: null, to: '192.168.1.50' },
      port: { from: null, to: 9100 },
    });
    expect(changesBetween({ host: 'a', port: 9100 }, { host: 'a', port: 9100 })).toEqual({});
  });
});
