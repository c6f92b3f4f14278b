// Writes a minimal XLSX (an uncompressed zip with one sheet of inline strings) for tests, the
// way the registry's export looks to a reader: no dependency beyond node itself; and reads a
// workbook the server wrote back (readXlsx).
import { inflateRawSync } from 'node:zlib';

const CRC = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function zip(files) { // [{name, data: Buffer}]
  const locals = [], centrals = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name), crc = crc32(f.data), n = f.data.length;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0); lh.writeUInt16LE(20, 4); lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(n, 18); lh.writeUInt32LE(n, 22); lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0); ch.writeUInt16LE(20, 4); ch.writeUInt16LE(20, 6);
    ch.writeUInt32LE(crc, 16); ch.writeUInt32LE(n, 20); ch.writeUInt32LE(n, 24);
    ch.writeUInt16LE(name.length, 28); ch.writeUInt32LE(offset, 42);
    locals.push(lh, name, f.data);
    centrals.push(ch, name);
    offset += 30 + name.length + n;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(files.length, 8); end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
function col(i) { let s = ''; for (i++; i; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + ((i - 1) % 26)) + s; return s; }

export function makeXlsx(rows) {
  const sheetRows = rows.map((r, ri) => `<row r="${ri + 1}">` + r.map((v, ci) => v === '' || v == null ? '' :
    typeof v === 'number' ? `<c r="${col(ci)}${ri + 1}"><v>${v}</v></c>`
      : `<c r="${col(ci)}${ri + 1}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`).join('') + '</row>').join('');
  const x = (s) => Buffer.from('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + s);
  return zip([
    { name: '[Content_Types].xml', data: x('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>') },
    { name: '_rels/.rels', data: x('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>') },
    { name: 'xl/workbook.xml', data: x('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="学生" sheetId="1" r:id="rId1"/></sheets></workbook>') },
    { name: 'xl/_rels/workbook.xml.rels', data: x('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>') },
    { name: 'xl/worksheets/sheet1.xml', data: x(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetRows}</sheetData></worksheet>`) },
  ]);
}

// A valid 居民身份证号 for a birth date and sequence (GB 11643 check digit).
export function cnId(area = '110105', birth = '20150901', seq = 1) {
  const body = area + birth + String(seq).padStart(3, '0');
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((a, ch, i) => a + Number(ch) * w[i], 0);
  return body + '10X98765432'[sum % 11];
}

// Registry-style header row (a subset in the real order, with some columns read past).
export const REGISTRY_HEADER = ['学籍接续标识', '学校标识码', '姓名', '性别', '出生日期', '身份证件类型', '身份证件号',
  '年级', '班级号', '学籍辅号', '成员1姓名', '成员1关系', '成员1联系电话', '成员1是否监护人', '成员2姓名', '成员2关系', '成员2联系电话', '成员2是否监护人'];

export function registryRow(i, { grade = '四年级', cls = '3', phone, phone2 } = {}) {
  return ['', '2133000001', '学生' + i, i % 2 ? '男' : '女', '20150901', '居民身份证', cnId('110105', '20150901', i % 1000),
    grade, cls, 'L' + String(i).padStart(8, '0'), '家长' + i, '母亲', phone || '139' + String(10000000 + i).slice(-8), '是',
    phone2 ? '父亲' + i : '', phone2 ? '父亲' : '', phone2 || '', phone2 ? '是' : ''];
}

// Reads a workbook back (what WPS or Excel would show): every sheet by name, in order, each a
// list of rows, each row a list of cells { v, t } where t is 'n' for a number (v a Number) and
// 's' for text. Enough of SpreadsheetML for what libxlsxwriter writes: shared strings, inline
// strings, numbers; the zip's entries stored or deflated.
function unzip(buf) {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip');
  const n = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const files = {};
  for (let i = 0; i < n; i++) {
    const method = buf.readUInt16LE(p + 10), size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28), extra = buf.readUInt16LE(p + 30), comment = buf.readUInt16LE(p + 32);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString();
    const local = buf.readUInt32LE(p + 42);
    const data = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(data, data + size);
    files[name] = (method === 8 ? inflateRawSync(raw) : raw).toString();
    p += 46 + nameLen + extra + comment;
  }
  return files;
}

const unxml = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const colIndex = (ref) => [...ref.replace(/\d+/g, '')].reduce((a, ch) => a * 26 + ch.charCodeAt(0) - 64, 0) - 1;

export function readXlsx(buf) {
  const files = unzip(Buffer.from(buf));
  const shared = [...(files['xl/sharedStrings.xml'] || '').matchAll(/<si>([\s\S]*?)<\/si>/g)]
    .map((m) => unxml([...m[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join('')));
  const rels = {};
  for (const m of (files['xl/_rels/workbook.xml.rels'] || '').matchAll(/<Relationship [^>]*Id="([^"]+)"[^>]*Target="([^"]+)"/g)) rels[m[1]] = m[2];
  const sheets = [];
  for (const m of files['xl/workbook.xml'].matchAll(/<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"/g)) {
    const xml = files['xl/' + rels[m[2]].replace(/^\/?xl\//, '')] || '';
    const rows = [];
    for (const r of xml.matchAll(/<row [^>]*r="(\d+)"[^>]*>([\s\S]*?)<\/row>/g)) {
      const cells = [];
      for (const c of r[2].matchAll(/<c ([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
        const ref = /r="([A-Z]+\d+)"/.exec(c[1])[1], t = (/t="(\w+)"/.exec(c[1]) || [])[1];
        const v = (/<v>([\s\S]*?)<\/v>/.exec(c[2] || '') || [])[1];
        const inline = (/<is>[\s\S]*?<t[^>]*>([\s\S]*?)<\/t>/.exec(c[2] || '') || [])[1];
        cells[colIndex(ref)] = t === 's' ? { v: shared[Number(v)], t: 's' }
          : t === 'inlineStr' ? { v: unxml(inline ?? ''), t: 's' }
            : t === 'str' ? { v: unxml(v ?? ''), t: 's' }
              : { v: Number(v), t: 'n' };
      }
      rows[Number(r[1]) - 1] = cells;
    }
    sheets.push({ name: unxml(m[1]), rows });
  }
  return sheets;
}

// readWorkbook: a workbook with what the reports tests check beside the cells (column widths,
// chart sheets, the raw parts): a zip of XML parts, stored or deflated, as a spreadsheet
// program would see it: { sheets: [{ name, kind: 'worksheet'|'chartsheet', rows: [[cell...]...] }], charts }.
// A cell is a number (a <v> without a type), a string (shared or inline), a boolean, or
// undefined for an empty cell; rows and columns are 0-based. Enough for the tests' checks of
// sheet names, headers and numbers as numbers; not a general reader.
export function unzipParts(buf) {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip');
  const n = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const files = {};
  for (let i = 0; i < n; i++) {
    const method = buf.readUInt16LE(p + 10), size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28), extraLen = buf.readUInt16LE(p + 30), commentLen = buf.readUInt16LE(p + 32);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const local = buf.readUInt32LE(p + 42);
    const data = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(data, data + size);
    files[name] = (method === 8 ? inflateRawSync(raw) : raw).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}


export function readWorkbook(buf) {
  const files = unzipParts(buf);
  const shared = [];
  for (const si of (files['xl/sharedStrings.xml'] || '').matchAll(/<si>([\s\S]*?)<\/si>/g)) {
    shared.push(unxml([...si[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((m) => m[1]).join('')));
  }
  const rels = {};
  for (const m of (files['xl/_rels/workbook.xml.rels'] || '').matchAll(/<Relationship ([^>]*)\/>/g)) {
    const id = m[1].match(/Id="([^"]+)"/)[1], target = m[1].match(/Target="([^"]+)"/)[1];
    rels[id] = 'xl/' + target.replace(/^\/?xl\//, '');
  }
  const sheets = [];
  for (const m of files['xl/workbook.xml'].matchAll(/<sheet ([^>]*)\/>/g)) {
    const name = unxml(m[1].match(/name="([^"]+)"/)[1]);
    const part = rels[m[1].match(/r:id="([^"]+)"/)[1]];
    const xml = files[part] || '';
    const kind = part.includes('chartsheets/') ? 'chartsheet' : 'worksheet';
    const rows = [];
    for (const row of xml.matchAll(/<row [^>]*r="(\d+)"[^>]*>([\s\S]*?)<\/row>/g)) {
      const cells = [];
      for (const c of row[2].matchAll(/<c ([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
        const attrs = c[1], body = c[2] || '';
        const ref = attrs.match(/r="([A-Z]+\d+)"/)[1];
        const t = (attrs.match(/t="([^"]+)"/) || [])[1];
        const v = (body.match(/<v>([\s\S]*?)<\/v>/) || [])[1];
        let value;
        if (t === 's') value = shared[Number(v)];
        else if (t === 'inlineStr') value = unxml((body.match(/<t[^>]*>([\s\S]*?)<\/t>/) || [])[1] || '');
        else if (t === 'str') value = unxml(v || '');
        else if (t === 'b') value = v === '1';
        else if (v !== undefined) value = Number(v);
        cells[colIndex(ref)] = value;
      }
      rows[Number(row[1]) - 1] = cells;
    }
    const widths = [...xml.matchAll(/<col [^>]*min="(\d+)"[^>]*width="([\d.]+)"/g)].map((w) => ({ col: Number(w[1]) - 1, width: Number(w[2]) }));
    sheets.push({ name, kind, rows, widths, xml });
  }
  const charts = Object.keys(files).filter((f) => /^xl\/charts\/chart\d+\.xml$/.test(f)).length;
  return { sheets, charts, files };
}
