/**
 * Where each prefecture's capital lies (its prefectural office, to about a kilometre). Shipping
 * addresses rarely come with a pin; "nearest to the address" then means nearest to its prefecture's
 * capital — good enough to prefer a store in Osaka for an Osaka address and one in Tokyo for Saitama.
 */
export const PREFECTURE_CAPITALS: Readonly<Record<string, { lat: number; lng: number }>> = {
  北海道: { lat: 43.064, lng: 141.347 },
  青森県: { lat: 40.824, lng: 140.74 },
  岩手県: { lat: 39.704, lng: 141.153 },
  宮城県: { lat: 38.269, lng: 140.872 },
  秋田県: { lat: 39.719, lng: 140.102 },
  山形県: { lat: 38.24, lng: 140.364 },
  福島県: { lat: 37.75, lng: 140.468 },
  茨城県: { lat: 36.342, lng: 140.447 },
  栃木県: { lat: 36.566, lng: 139.884 },
  群馬県: { lat: 36.391, lng: 139.061 },
  埼玉県: { lat: 35.857, lng: 139.649 },
  千葉県: { lat: 35.605, lng: 140.123 },
  東京都: { lat: 35.69, lng: 139.692 },
  神奈川県: { lat: 35.448, lng: 139.643 },
  新潟県: { lat: 37.902, lng: 139.023 },
  富山県: { lat: 36.695, lng: 137.211 },
  石川県: { lat: 36.594, lng: 136.626 },
  福井県: { lat: 36.065, lng: 136.222 },
  山梨県: { lat: 35.664, lng: 138.568 },
  長野県: { lat: 36.651, lng: 138.181 },
  岐阜県: { lat: 35.391, lng: 136.722 },
  静岡県: { lat: 34.977, lng: 138.383 },
  愛知県: { lat: 35.18, lng: 136.907 },
  三重県: { lat: 34.73, lng: 136.509 },
  滋賀県: { lat: 35.004, lng: 135.869 },
  京都府: { lat: 35.021, lng: 135.756 },
  大阪府: { lat: 34.686, lng: 135.52 },
  兵庫県: { lat: 34.691, lng: 135.183 },
  奈良県: { lat: 34.685, lng: 135.833 },
  和歌山県: { lat: 34.226, lng: 135.168 },
  鳥取県: { lat: 35.504, lng: 134.238 },
  島根県: { lat: 35.472, lng: 133.051 },
  岡山県: { lat: 34.662, lng: 133.935 },
  広島県: { lat: 34.397, lng: 132.46 },
  山口県: { lat: 34.186, lng: 131.471 },
  徳島県: { lat: 34.066, lng: 134.559 },
  香川県: { lat: 34.34, lng: 134.043 },
  愛媛県: { lat: 33.842, lng: 132.766 },
  高知県: { lat: 33.56, lng: 133.531 },
  福岡県: { lat: 33.607, lng: 130.418 },
  佐賀県: { lat: 33.249, lng: 130.299 },
  長崎県: { lat: 32.745, lng: 129.874 },
  熊本県: { lat: 32.79, lng: 130.742 },
  大分県: { lat: 33.238, lng: 131.613 },
  宮崎県: { lat: 31.911, lng: 131.424 },
  鹿児島県: { lat: 31.56, lng: 130.558 },
  沖縄県: { lat: 26.212, lng: 127.681 },
};

/** The pin of an address, or its prefecture's capital; null when neither is known. */
export function approximatePosition(a: {
  prefecture: string;
  lat?: number | undefined;
  lng?: number | undefined;
}): { lat: number; lng: number } | null {
  if (typeof a.lat === 'number' && typeof a.lng === 'number') return { lat: a.lat, lng: a.lng };
  const name = a.prefecture.normalize('NFKC').trim();
  return (
    PREFECTURE_CAPITALS[name] ??
    PREFECTURE_CAPITALS[`${name}県`] ??
    PREFECTURE_CAPITALS[`${name}府`] ??
    PREFECTURE_CAPITALS[`${name}都`] ??
    null
  );
}
