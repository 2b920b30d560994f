import type { ReactNode } from 'react';

export interface Column<T> {
  key: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  align?: 'start' | 'end' | 'center';
}

/**
 * A plain, legible table; `rowKey` may change to restart a row's flash animation. A `stacked` table shows
 * each row as a card of label/value lines on a phone, the column headers as the labels.
 */
export function DataTable<T>({
  columns,
  rows,
  rowKey,
  rowProps,
  empty,
  caption,
  stacked = false,
}: {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  rowProps?: (row: T) => { className?: string; [data: `data-${string}`]: string | undefined };
  empty: ReactNode;
  caption?: ReactNode;
  stacked?: boolean;
}) {
  return (
    <div className={stacked ? 'table-wrap stacked' : 'table-wrap'}>
      <table className="table">
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={`align-${c.align ?? 'start'}`}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="table-empty">
                {empty}
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={rowKey(row)} {...rowProps?.(row)}>
                {columns.map((c) => (
                  <td
                    key={c.key}
                    className={`align-${c.align ?? 'start'}`}
                    data-label={stacked && typeof c.header === 'string' && c.header ? c.header : undefined}
                  >
                    {c.cell(row)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
