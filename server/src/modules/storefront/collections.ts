import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { requireRole, type Principal } from '../../platform/auth.ts';
import { listCategories, productSummaries } from '../catalog/service.ts';
import { collectionProducts, collections } from './schema.ts';
import './problems.ts';

export interface Collection {
  id: string;
  name: string;
  nameEn: string;
  description: string;
  kind: 'manual' | 'rule';
  categoryId: string | null;
  newWithinDays: number | null;
  featured: boolean;
  sort: number;
  /** A hand-picked collection's products, in order (empty for a rule). */
  productIds: string[];
}

export interface CollectionInput {
  name: string;
  nameEn?: string | undefined;
  description?: string | undefined;
  kind: 'manual' | 'rule';
  categoryId?: string | null | undefined;
  newWithinDays?: number | null | undefined;
  featured?: boolean | undefined;
  sort?: number | undefined;
  productIds?: string[] | undefined;
}

/** Every collection, in the home's order, with its products' ids. */
export async function listCollections(db: Executor, opts: { featuredOnly?: boolean } = {}): Promise<Collection[]> {
  const rows = await db
    .select()
    .from(collections)
    .where(opts.featuredOnly ? eq(collections.featured, true) : undefined)
    .orderBy(asc(collections.sort), asc(collections.createdAt), asc(collections.id));
  const members = rows.length
    ? await db
        .select()
        .from(collectionProducts)
        .where(
          inArray(
            collectionProducts.collectionId,
            rows.map((r) => r.id),
          ),
        )
        .orderBy(asc(collectionProducts.position))
    : [];
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    nameEn: r.nameEn,
    description: r.description,
    kind: r.kind,
    categoryId: r.categoryId,
    newWithinDays: r.newWithinDays,
    featured: r.featured,
    sort: r.sort,
    productIds: members.filter((m) => m.collectionId === r.id).map((m) => m.productId),
  }));
}

export async function getCollection(db: Executor, id: string): Promise<Collection> {
  const found = (await listCollections(db)).find((c) => c.id === id);
  if (!found) throw new DomainError('storefront.collection_not_found', { collectionId: id });
  return found;
}

/** A rule names a category that exists; a hand-picked list names products that exist, each once. */
async function assertShape(db: Db, c: Pick<CollectionInput, 'kind' | 'categoryId' | 'productIds'>) {
  if (c.categoryId && !(await listCategories(db)).some((k) => k.id === c.categoryId))
    throw new DomainError('catalog.category_not_found', { categoryId: c.categoryId }, [
      { field: 'categoryId', message: 'invalid_reference' },
    ]);
  if (c.kind === 'rule' && !c.categoryId)
    throw new DomainError('platform.validation', {}, [{ field: 'categoryId', message: 'required' }]);
  const ids = c.productIds ?? [];
  if (new Set(ids).size !== ids.length)
    throw new DomainError('platform.validation', {}, [{ field: 'productIds', message: 'duplicate' }]);
  if (ids.length) {
    const found = new Set((await productSummaries(db, ids)).map((p) => p.id));
    const missing = ids.find((id) => !found.has(id));
    if (missing) throw new DomainError('catalog.product_not_found', { productId: missing });
  }
}

async function writeProducts(tx: Executor, collectionId: string, productIds: string[]) {
  await tx.delete(collectionProducts).where(eq(collectionProducts.collectionId, collectionId));
  if (productIds.length)
    await tx
      .insert(collectionProducts)
      .values(productIds.map((productId, position) => ({ collectionId, productId, position })));
}

/** Create a collection (hq/owner). */
export async function createCollection(db: Db, actor: Principal, input: CollectionInput): Promise<Collection> {
  requireRole(actor, 'owner', 'hq');
  const id = newId('col');
  // Checked before the transaction: the catalogue's reads use the pool (one connection on PGlite), and
  // products are archived, never deleted, so what is checked here still holds at the insert.
  await assertShape(db, input);
  await inTransaction(db, async (tx) => {
    await tx.insert(collections).values({
      id,
      name: input.name,
      nameEn: input.nameEn ?? '',
      description: input.description ?? '',
      kind: input.kind,
      categoryId: input.categoryId ?? null,
      newWithinDays: input.newWithinDays ?? null,
      featured: input.featured ?? true,
      sort: input.sort ?? 0,
    });
    await writeProducts(tx, id, input.kind === 'manual' ? (input.productIds ?? []) : []);
  });
  return getCollection(db, id);
}

/** Change a collection (hq/owner); `productIds`, when given, replaces the hand-picked list and its order. */
export async function updateCollection(
  db: Db,
  actor: Principal,
  id: string,
  patch: Partial<CollectionInput>,
): Promise<Collection> {
  requireRole(actor, 'owner', 'hq');
  const [before] = await db.select().from(collections).where(eq(collections.id, id));
  if (!before) throw new DomainError('storefront.collection_not_found', { collectionId: id });
  const kind = patch.kind ?? before.kind;
  const categoryId = patch.categoryId !== undefined ? patch.categoryId : before.categoryId;
  await assertShape(db, { kind, categoryId, productIds: patch.productIds });
  await inTransaction(db, async (tx) => {
    const { productIds, ...fields } = patch;
    const values = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    await tx
      .update(collections)
      .set({ ...values, updatedAt: sql`now()` })
      .where(eq(collections.id, id));
    if (productIds !== undefined || kind === 'rule')
      await writeProducts(tx, id, kind === 'manual' ? (productIds ?? []) : []);
  });
  return getCollection(db, id);
}

/** Remove a collection (hq/owner); its products stay in the catalogue. */
export async function deleteCollection(db: Db, actor: Principal, id: string): Promise<void> {
  requireRole(actor, 'owner', 'hq');
  const gone = await db.delete(collections).where(eq(collections.id, id)).returning({ id: collections.id });
  if (!gone.length) throw new DomainError('storefront.collection_not_found', { collectionId: id });
}
