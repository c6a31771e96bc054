/**
 * Numbers with their unit as single tokens ("2021年", "35%"), so "令和3年" in a question meets "2021年" on a
 * page. Japanese era years become western years first. Works on normalised text (half-width digits).
 */
const eraStart: Readonly<Record<string, number>> = { 令和: 2018, 平成: 1988, 昭和: 1925, 大正: 1911 };

// "2021(令和3)年度": the western year already stands before the era in brackets.
const bracketedEra = /(\d{4})\s*[(]\s*(?:令和|平成|昭和|大正)\s*(?:元|\d{1,2})\s*[)]/g;
const eraYear = /(令和|平成|昭和|大正)\s*(元|\d{1,2})(?=\s*年)/g;
const units = [
  '年度',
  '年',
  'か月',
  'ヶ月',
  'カ月',
  '月',
  '日',
  '時間',
  '時',
  '分',
  '秒',
  '兆円',
  '億円',
  '万円',
  '千円',
  '円',
  '兆',
  '億',
  '万',
  '千',
  '%',
  'パーセント',
  'ポイント',
  'pt',
  '件',
  '人',
  '名',
  '社',
  '個',
  '台',
  '回',
  '倍',
  '歳',
  '割',
  '点',
  '位',
  '号',
  '条',
  '項',
  '種類',
  '品目',
  'kg',
  'mg',
  'g',
  'km',
  'cm',
  'mm',
  'm',
  'ml',
  'kl',
  'l',
  'kwh',
  'kw',
  'mw',
  'v',
  'w',
  '°c',
  '℃',
  '度',
  't',
  'トン',
];
const unitAlternatives = units
  .sort((a, b) => b.length - a.length)
  .map((u) => u.replace(/[.*+?^${}()|[\]\\%°]/g, '\\$&'))
  .join('|');
const numberWithUnit = new RegExp(`(\\d[\\d,]*(?:\\.\\d+)?)\\s*(${unitAlternatives})(?![a-z])`, 'g');

/** Replaces era years (令和3年 → 2021年) in normalised text. */
export function westernYears(normalised: string): string {
  return normalised.replace(bracketedEra, '$1').replace(eraYear, (_m, era: string, year: string) => {
    const n = year === '元' ? 1 : Number(year);
    return String((eraStart[era] ?? 0) + n);
  });
}

/** Number-with-unit tokens of normalised text; '.' and '%' are spelled out so any index keeps them whole. */
export function numberTokens(normalised: string): string[] {
  const tokens: string[] = [];
  for (const match of westernYears(normalised).matchAll(numberWithUnit)) {
    const value = (match[1] ?? '').replace(/,/g, '').replace(/\.0+$/, '');
    const unit = (match[2] ?? '').replace('%', 'パーセント').replace(/°c|℃/, '度');
    const token = `${value.replace('.', '点')}${unit}`;
    tokens.push(token);
    // A fiscal year is also the year: "2021年度" must meet "2021年".
    if (unit === '年度') tokens.push(token.slice(0, -1));
  }
  return tokens;
}
