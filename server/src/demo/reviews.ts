import type { orderLines, orders } from '../modules/orders/schema.ts';
import type { products, variants } from '../modules/catalog/schema.ts';
import type { reviews, reviewVotes } from '../modules/reviews/schema.ts';
import { seededId } from '../platform/ids.ts';
import type { DemoProduct } from './catalog.ts';
import type { Random } from './prng.ts';
import { SHOWCASE } from './showcase.ts';
import type { StockGroup } from './words.ts';

/** Head office's demo account (佐藤 由衣, hq@demo.musubi.jp): who replied and who hid. */
const HQ_STAFF_ID = seededId('stf', 2);
const DAY = 86_400_000;

type Words = ReadonlyArray<readonly [title: string, body: string]>;

/** What people write, by how they liked it: 5–4 (good), 3 (mixed), 2–1 (poor). Per kind of product. */
const WORDS: Record<Exclude<StockGroup, 'cafe'>, { good: Words; mixed: Words; poor: Words }> = {
  apparel: {
    good: [
      ['毎日のように着ています', '生地がしっかりしていて、何度洗濯してもヨレません。色違いも欲しくなりました。'],
      ['シルエットがきれい', '試着して決めました。肩まわりがすっきりして、きれいめにも合わせやすいです。'],
      ['通勤にちょうどいい', '動きやすく、シワになりにくいので出張にも持って行っています。'],
      ['色が写真どおり', 'ネットで見た色味そのままでした。店舗で在庫を確認してから受け取りに行けたのも便利でした。'],
      ['リピートしました', '去年買ったものが気に入ったので、もう一枚。安定の着心地です。'],
      ['軽くて暖かい', '見た目よりずっと軽く、電車の中でも暑くなりすぎません。'],
      ['家で洗えるのが助かる', '洗濯機で洗っても型崩れしませんでした。子育て中なのでありがたいです。'],
      ['夫とおそろいで', 'サイズ違いで2着購入。ユニセックスで着られるデザインが良いです。'],
    ],
    mixed: [
      ['悪くはないです', '着心地は良いのですが、思っていたより生地が薄めでした。春秋向きだと思います。'],
      ['丈がやや長め', 'デザインは好きですが、身長160cmだと丈が少し長く感じました。'],
      ['色はきれいです', '色味は気に入っていますが、ポケットがもう少し深いと使いやすいです。'],
    ],
    poor: [
      ['毛玉ができやすい', '数回の洗濯で毛玉が目立つようになりました。扱いに注意が必要かもしれません。'],
      ['サイズ選びが難しい', 'いつものサイズでは合いませんでした。店舗で試着してから買うのがおすすめです。'],
    ],
  },
  shoes: {
    good: [
      ['一日歩いても疲れにくい', 'クッションが効いていて、立ち仕事の日も足が楽でした。'],
      ['合わせやすいデザイン', 'どんな服にも合うので、結局こればかり履いています。'],
      ['店舗で試し履きして購入', 'スタッフの方にサイズを相談できて、ぴったりのものが見つかりました。'],
    ],
    mixed: [['慣れるまで少し硬い', '最初の1週間はかかとが当たりましたが、今は馴染んできました。']],
    poor: [['幅が狭めです', '甲高・幅広の足には少しきつく感じました。']],
  },
  goods: {
    good: [
      ['使い勝手が良いです', 'ちょうどいい大きさで、毎日持ち歩いています。作りもしっかりしています。'],
      ['プレゼントにしました', '家族に贈ったところとても喜ばれました。包装も丁寧でした。'],
      ['買ってよかった', '値段以上の品質だと思います。シンプルで長く使えそうです。'],
    ],
    mixed: [['普通に使えます', '特に不満はありませんが、もう少し軽いと嬉しいです。']],
    poor: [['思っていたより小さい', '写真の印象よりもひと回り小さく、入れたいものが入りませんでした。']],
  },
  food: {
    good: [
      ['家族みんなのお気に入り', 'やさしい味で、子どもも喜んで食べます。まとめ買いしています。'],
      ['また買います', '近くの店舗でいつも買えるので助かります。味も安定しています。'],
      ['ちょっとした手土産に', '個包装なので配りやすく、職場で好評でした。'],
    ],
    mixed: [['好みが分かれそう', 'おいしいですが、自分には少し甘めでした。']],
    poor: [['期待しすぎました', '評判を見て買いましたが、思ったほどではありませんでした。']],
  },
};

const REPLIES = [
  'ご購入いただき、またレビューをお寄せいただきありがとうございます。今後ともよろしくお願いいたします。',
  'このたびはご不便をおかけし申し訳ございません。いただいたご意見は商品部と共有し、改善に努めます。',
];

const NICKNAMES = ['ゆう', 'みー', 'さくら', 'たろう', 'ひなた', 'まる', 'そら', 'はる', null, null, null];

/** Stars as people give them: mostly 4–5, a few 1–2. */
function rating(rng: Random): number {
  const r = rng.next();
  return r < 0.45 ? 5 : r < 0.75 ? 4 : r < 0.88 ? 3 : r < 0.95 ? 2 : 1;
}

export interface DemoReviews {
  reviews: Array<typeof reviews.$inferInsert>;
  votes: Array<typeof reviewVotes.$inferInsert>;
}

/**
 * Reviews of the chain's most bought products (and the showcase's), each by a member who bought it in a
 * completed order she kept — at the till, online or in the app — a few days after that order. Some answered
 * by head office; one hidden for its store clerk's name, reported first. 参考になった from other members.
 */
export function planReviews(
  rows: {
    orders: ReadonlyArray<typeof orders.$inferInsert>;
    orderLines: ReadonlyArray<typeof orderLines.$inferInsert>;
  },
  items: readonly DemoProduct[],
  catalog: {
    products: ReadonlyArray<typeof products.$inferInsert>;
    variants: ReadonlyArray<typeof variants.$inferInsert>;
  },
  memberIds: readonly string[],
  rng: Random,
  now: number,
): DemoReviews {
  const groupOf = new Map(items.map((i) => [i.id, i.group]));
  const sized = new Set(catalog.variants.filter((v) => v.options && 'サイズ' in v.options).map((v) => v.productId));
  const completed = new Map(rows.orders.filter((o) => o.customerId && o.status === 'completed').map((o) => [o.id!, o]));
  // Who bought each product and kept it: her order (the latest wins).
  const buyers = new Map<string, Map<string, typeof orders.$inferInsert>>();
  for (const l of rows.orderLines) {
    const o = completed.get(l.orderId);
    if (!o || (l.returnedQuantity ?? 0) >= l.quantity) continue;
    const group = groupOf.get(l.productId);
    if (!group || group === 'cafe') continue;
    const byMember = buyers.get(l.productId) ?? new Map();
    byMember.set(o.customerId!, o);
    buyers.set(l.productId, byMember);
  }
  const showcase = new Set(Object.values(SHOWCASE).map((s) => s.productId));
  const popular = [...buyers.entries()]
    .sort(([a, x], [b, y]) => Number(showcase.has(b)) - Number(showcase.has(a)) || y.size - x.size || (a < b ? -1 : 1))
    .slice(0, 40);

  const out: DemoReviews = { reviews: [], votes: [] };
  let n = 0;
  let hidden = false;
  for (const [productId, byMember] of popular) {
    const group = groupOf.get(productId) as Exclude<StockGroup, 'cafe'>;
    const words = WORDS[group];
    const authors = rng.some([...byMember.keys()].sort(), Math.min(byMember.size, rng.int(3, 9)));
    // Each product's reviewers take the words in a shuffled turn, so one page does not repeat itself.
    const pools = { good: rng.shuffle(words.good), mixed: rng.shuffle(words.mixed), poor: rng.shuffle(words.poor) };
    const used = { good: 0, mixed: 0, poor: 0 };
    for (const customerId of authors) {
      const order = byMember.get(customerId)!;
      const stars = rating(rng);
      const mood = stars >= 4 ? 'good' : stars === 3 ? 'mixed' : 'poor';
      const [title, body] = pools[mood][used[mood]++ % pools[mood].length]!;
      const at = Math.min(new Date(order.createdAt!).getTime() + rng.int(2, 14) * DAY, now - DAY);
      const id = seededId('rev', ++n);
      const review: typeof reviews.$inferInsert = {
        id,
        productId,
        customerId,
        rating: stars,
        title,
        body,
        fit:
          sized.has(productId) && group !== 'goods'
            ? rng.pick(['small', 'true', 'true', 'true', 'large'] as const)
            : null,
        nickname: rng.pick(NICKNAMES),
        purchaseChannel: order.channel,
        createdAt: new Date(at),
        updatedAt: new Date(at),
      };
      if (stars <= 2 && rng.chance(0.6)) {
        review.reply = REPLIES[1];
        review.repliedAt = new Date(Math.min(at + DAY, now));
        review.repliedBy = HQ_STAFF_ID;
      } else if (stars === 5 && rng.chance(0.1)) {
        review.reply = REPLIES[0];
        review.repliedAt = new Date(Math.min(at + DAY, now));
        review.repliedBy = HQ_STAFF_ID;
      }
      // 参考になった from a few other members (one each).
      const voters = rng.some(memberIds, rng.low(0, 8)).filter((m) => m !== customerId);
      for (const voter of voters)
        out.votes.push({
          reviewId: id,
          customerId: voter,
          kind: 'helpful',
          createdAt: new Date(Math.min(at + DAY, now)),
        });
      review.helpfulCount = voters.length;
      if (!hidden && stars <= 2) {
        // One for head office's screen: it named a clerk, was reported, and is hidden.
        hidden = true;
        review.body = `${body} レジの〇〇さんの対応も残念でした。`;
        review.status = 'hidden';
        review.hiddenReason = '従業員の個人名が含まれているため';
        review.hiddenAt = new Date(Math.min(at + 2 * DAY, now));
        review.hiddenBy = HQ_STAFF_ID;
        const reporter = memberIds.find((m) => m !== customerId)!;
        out.votes.push({ reviewId: id, customerId: reporter, kind: 'report', createdAt: new Date(at + DAY) });
        review.reportCount = 1;
      }
      out.reviews.push(review);
    }
  }
  return out;
}
