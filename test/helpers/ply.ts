/*
 * A small reader for binary little-endian PLY vertex lists, written from the
 * format's description rather than from the writer, so the tests check the
 * bytes the way MeshLab or Blender would read them.
 */

const TYPE_BYTES: Record<string, number> = {
  char: 1,
  uchar: 1,
  short: 2,
  ushort: 2,
  int: 4,
  uint: 4,
  float: 4,
  double: 8,
};

export interface PlyHeader {
  format: string;
  comments: string[];
  vertexCount: number;
  properties: { type: string; name: string }[];
  /** Bytes up to and including the newline after end_header. */
  headerLength: number;
}

export function parsePlyHeader(bytes: Uint8Array): PlyHeader {
  const text = Buffer.from(bytes).toString('latin1');
  const end = text.indexOf('end_header\n');
  if (!text.startsWith('ply\n') || end < 0) throw new Error('Not a PLY file.');
  const header: PlyHeader = {
    format: '',
    comments: [],
    vertexCount: -1,
    properties: [],
    headerLength: end + 'end_header\n'.length,
  };
  let element = '';
  for (const line of text.slice(0, end).split('\n').slice(1)) {
    const [keyword, ...rest] = line.split(' ');
    if (keyword === 'format') header.format = rest.join(' ');
    else if (keyword === 'comment') header.comments.push(rest.join(' '));
    else if (keyword === 'element') {
      element = rest[0];
      if (element === 'vertex') header.vertexCount = Number(rest[1]);
      else throw new Error(`Unexpected element ${element}.`);
    } else if (keyword === 'property' && element === 'vertex') {
      if (!(rest[0] in TYPE_BYTES)) throw new Error(`Unexpected property type ${rest[0]}.`);
      header.properties.push({ type: rest[0], name: rest[1] });
    } else if (line !== '') throw new Error(`Unexpected header line "${line}".`);
  }
  if (!Number.isInteger(header.vertexCount) || header.vertexCount < 0) {
    throw new Error('The header has no vertex count.');
  }
  return header;
}

/** Every vertex property as a column of numbers, checking that the body is exactly N records. */
export function readPlyVertices(bytes: Uint8Array): {
  header: PlyHeader;
  columns: Record<string, Float64Array>;
} {
  const header = parsePlyHeader(bytes);
  if (header.format !== 'binary_little_endian 1.0') throw new Error(`Format ${header.format}.`);
  const record = header.properties.reduce((sum, p) => sum + TYPE_BYTES[p.type], 0);
  const body = bytes.length - header.headerLength;
  if (body !== header.vertexCount * record) {
    throw new Error(`Body of ${body} bytes for ${header.vertexCount} records of ${record}.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + header.headerLength, body);
  const columns: Record<string, Float64Array> = {};
  for (const { name } of header.properties) columns[name] = new Float64Array(header.vertexCount);
  for (let i = 0, offset = 0; i < header.vertexCount; i++) {
    for (const { type, name } of header.properties) {
      columns[name][i] = read(view, offset, type);
      offset += TYPE_BYTES[type];
    }
  }
  return { header, columns };
}

function read(view: DataView, offset: number, type: string): number {
  switch (type) {
    case 'char':
      return view.getInt8(offset);
    case 'uchar':
      return view.getUint8(offset);
    case 'short':
      return view.getInt16(offset, true);
    case 'ushort':
      return view.getUint16(offset, true);
    case 'int':
      return view.getInt32(offset, true);
    case 'uint':
      return view.getUint32(offset, true);
    case 'float':
      return view.getFloat32(offset, true);
    default:
      return view.getFloat64(offset, true);
  }
}
