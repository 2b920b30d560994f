import { useT } from '../shared/i18n';
import { CategoryTree } from './catalog/CategoryTree';
import { CollectionsPanel } from './catalog/CollectionsPanel';

/** /hq/catalog — カテゴリと特集: the category tree the shop navigates by, and the collections on its home. */
export function CatalogScreen() {
  const t = useT();
  return (
    <main className="page store hq-catalog">
      <h1>{t('hq.catalog.title')}</h1>
      <CollectionsPanel />
      <CategoryTree />
    </main>
  );
}
