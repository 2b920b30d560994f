import { toCsv } from '../../platform/csv.ts';
import { zipFiles } from '../../platform/zip.ts';

type Row = Record<string, unknown>;
const isRecord = (v: unknown): v is Row => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTable = (v: unknown): v is Row[] => Array.isArray(v) && v.every(isRecord);

/**
 * A personal data export as files: `export.json` whole, and one CSV per section (orders, orders.lines,
 * points.entries …). A list of records becomes a table; a record's own lists of records become child
 * tables carrying the parent's id; nested records flatten to dotted columns (address.city); other values
 * are written as JSON in their cell.
 */
export function exportTables(data: Row): Map<string, Row[]> {
  const tables = new Map<string, Row[]>();
  const add = (name: string, row: Row) => {
    const rows = tables.get(name) ?? [];
    rows.push(row);
    tables.set(name, rows);
  };
  // A list item's children carry its id; a single record's (points → points.entries) need none.
  const walkRow = (name: string, item: Row, parent: Row, inList = true) => {
    if (!tables.has(name)) tables.set(name, []); // the parent's file before its children's
    const row: Row = { ...parent };
    const flatten = (prefix: string, value: Row) => {
      for (const [k, v] of Object.entries(value)) {
        if (isTable(v) && v.length) {
          const parentId = item.id ?? item.number ?? tables.get(name)?.length ?? 0;
          const link = inList ? { [`${singular(name)}Id`]: parentId } : {};
          for (const child of v) walkRow(`${name}.${k}`, child, link);
        } else if (isRecord(v)) flatten(`${prefix}${k}.`, v);
        else row[`${prefix}${k}`] = v;
      }
    };
    flatten('', item);
    add(name, row);
  };
  for (const [section, value] of Object.entries(data)) {
    if (isTable(value)) {
      if (!value.length) tables.set(section, []);
      for (const item of value) walkRow(section, item, {});
    } else if (isRecord(value)) walkRow(section, value, {}, false);
    else add('export', { [section]: value });
  }
  return tables;
}

const singular = (name: string) => (name.split('.').at(-1) ?? name).replace(/s$/, '');

/** The ZIP she downloads: export.json and one CSV per section. */
export function exportZip(data: Row): Buffer {
  const files = [{ name: 'export.json', data: JSON.stringify(data, null, 2) }];
  for (const [name, rows] of exportTables(data)) files.push({ name: `${name}.csv`, data: toCsv(rows) });
  return zipFiles(files);
}
