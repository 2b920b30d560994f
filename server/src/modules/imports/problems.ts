import { defineProblems, type CodesOf } from '../../platform/errors.ts';

export const importProblems = defineProblems({
  'import.encoding_unknown': {
    status: 422,
    ja: {
      title: '文字コードを判別できません',
      detail: 'UTF-8（BOM あり・なし）または Shift_JIS（CP932）で保存した CSV を選んでください。',
    },
    en: { title: 'Unknown encoding', detail: 'Save the CSV as UTF-8 (with or without BOM) or Shift_JIS (CP932).' },
  },
  'import.csv_malformed': {
    status: 422,
    ja: { title: 'CSV として読めません', detail: (p) => `${p.line} 行目付近: ${p.reason}` },
    en: { title: 'Not a readable CSV', detail: (p) => `Near line ${p.line}: ${p.reason}` },
  },
  'import.empty': {
    status: 422,
    ja: { title: 'データ行がありません', detail: '見出しの行の下に 1 行以上のデータが必要です。' },
    en: { title: 'No rows', detail: 'The file needs a header line and at least one row.' },
  },
  'import.too_many_rows': {
    status: 422,
    ja: {
      title: '行数が多すぎます',
      detail: (p) => `1 ファイル ${p.max} 行までです（${p.got} 行）。分けて取り込んでください。`,
    },
    en: { title: 'Too many rows', detail: (p) => `At most ${p.max} rows per file (this one has ${p.got}); split it.` },
  },
  'import.missing_columns': {
    status: 422,
    ja: { title: '必須の列がありません', detail: (p) => `見出しに次の列が必要です: ${p.columns}` },
    en: { title: 'Required columns missing', detail: (p) => `The header needs these columns: ${p.columns}` },
  },
  'import.bad_content': {
    status: 422,
    ja: { title: 'ファイルを読めません', detail: 'content は CSV ファイルを base64 にしたものです。' },
    en: { title: 'Unreadable file', detail: 'content is the CSV file in base64.' },
  },
  'import.not_found': {
    status: 404,
    ja: { title: '取り込みが見つかりません', detail: (p) => `取り込み ${p.id} はありません。` },
    en: { title: 'Import not found', detail: (p) => `There is no import ${p.id}.` },
  },
  'import.has_errors': {
    status: 422,
    ja: {
      title: 'エラーのある行があるため取り込めません',
      detail: (p) =>
        `${p.count} 行にエラーがあります。修正したファイルをもう一度アップロードしてください（1 行も書き込んでいません）。`,
    },
    en: {
      title: 'Rows with errors: nothing imported',
      detail: (p) => `${p.count} rows have errors. Fix the file and upload it again (nothing was written).`,
    },
  },
});

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof importProblems> {}
}
