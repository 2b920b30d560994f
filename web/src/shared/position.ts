import { useState } from 'react';
import type { MessageKey } from './i18n';

/** Stations a shopper can pick instead of sharing her location. */
export const stations = [
  { id: 'shibuya', label: 'station.shibuya', lat: 35.658, lng: 139.7016 },
  { id: 'shinjuku', label: 'station.shinjuku', lat: 35.6896, lng: 139.7006 },
  { id: 'yokohama', label: 'station.yokohama', lat: 35.466, lng: 139.6223 },
  { id: 'umeda', label: 'station.umeda', lat: 34.7025, lng: 135.4959 },
  { id: 'kichijoji', label: 'station.kichijoji', lat: 35.7033, lng: 139.5797 },
] as const satisfies readonly { id: string; label: MessageKey; lat: number; lng: number }[];

export type Position =
  { kind: 'station'; stationId: string; lat: number; lng: number } | { kind: 'here'; lat: number; lng: number };

const KEY = 'musubi.position';
const shibuya = stations[0];
const fallback: Position = { kind: 'station', stationId: shibuya.id, lat: shibuya.lat, lng: shibuya.lng };

function load(): Position {
  try {
    const p = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Position | null;
    if (p && Number.isFinite(p.lat) && Number.isFinite(p.lng)) return p;
  } catch {
    /* nothing usable stored */
  }
  return fallback;
}

/**
 * How many locations, nearest first, the availability API answers with (`limit`): a chain of hundreds of
 * stores shows her the ones around her. Every screen asks for the same number, so they share its cache.
 */
export const NEARBY_LOCATIONS = 20;

/** `near=LAT,LNG` for the availability API. */
export function nearParam(p: Position): string {
  return `${p.lat.toFixed(4)},${p.lng.toFixed(4)}`;
}

/** Where "nearest" is measured from: a station (渋谷 by default) or the device's location; remembered. */
export function useShopperPosition() {
  const [position, setPosition] = useState<Position>(load);
  const [locating, setLocating] = useState(false);
  const [geoError, setGeoError] = useState<MessageKey | null>(null);

  const choose = (p: Position) => {
    setPosition(p);
    setGeoError(null);
    try {
      localStorage.setItem(KEY, JSON.stringify(p));
    } catch {
      /* not remembered, still used */
    }
  };

  const chooseStation = (id: string) => {
    const s = stations.find((x) => x.id === id);
    if (s) choose({ kind: 'station', stationId: s.id, lat: s.lat, lng: s.lng });
  };

  const locateMe = () => {
    if (!('geolocation' in navigator)) {
      setGeoError('position.unsupported');
      return;
    }
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating(false);
        choose({ kind: 'here', lat: pos.coords.latitude, lng: pos.coords.longitude });
      },
      (err) => {
        setLocating(false);
        setGeoError(err.code === err.PERMISSION_DENIED ? 'position.denied' : 'position.failed');
      },
      { enableHighAccuracy: false, timeout: 10_000, maximumAge: 300_000 },
    );
  };

  return { position, chooseStation, locateMe, locating, geoError };
}

/** Straight-line km between two points (haversine): enough to put the nearest store first. */
export function kmBetween(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 12_742 * Math.asin(Math.sqrt(h));
}
