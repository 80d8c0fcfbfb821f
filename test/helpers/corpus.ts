/**
 * Byte builders for hostile and odd uploads. Everything is generated here or
 * by sharp at test time; no binary fixtures are committed.
 */
import { crc32, deflateSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';

/** One PNG chunk: length, type, data and the CRC over type + data. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

/** The PNG with the chunks inserted after its IHDR (which always ends at byte 33). */
export function withPngChunks(png: Buffer, chunks: Buffer[]): Buffer {
  return Buffer.concat([png.subarray(0, 33), ...chunks, png.subarray(33)]);
}

/** A zTXt chunk whose text is `inflated` bytes of one letter: deflate packs it about 1000:1. */
export function zTxtInflatingTo(inflated: number, keyword = 'Comment'): Buffer {
  const text = deflateSync(Buffer.alloc(inflated, 0x41), { level: 9 });
  return pngChunk('zTXt', Buffer.concat([Buffer.from(`${keyword}\0\0`, 'latin1'), text]));
}

/**
 * A decompression bomb's header: a valid PNG declaring width x height (8-bit
 * RGB) whose only IDAT is a few compressed bytes, so the file is tiny and
 * the pixels it claims would take gigabytes to decode.
 */
export function pngDeclaring(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  return Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(64))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A 2x2 24-bit Windows bitmap (BITMAPINFOHEADER), which sharp cannot write. */
export function bmp(): Buffer {
  const rowBytes = 8; // 2 pixels x 3 bytes, padded to 4
  const pixels = Buffer.alloc(rowBytes * 2, 0x80);
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(54 + pixels.length, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(2, 18);
  header.writeInt32LE(2, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  header.writeUInt32LE(pixels.length, 34);
  return Buffer.concat([header, pixels]);
}

/** An SVG that tries an external entity (XXE) and carries a script. */
export function hostileSvg(): Buffer {
  return Buffer.from(
    '<?xml version="1.0"?>\n' +
      '<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n' +
      '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">' +
      '<script>alert(1)</script><text y="20">&xxe;</text></svg>\n',
  );
}

/** A one-page PDF with a valid xref table. */
export function pdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 64 64] >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** An ISO-BMFF "ftyp" box naming HEIC: what an iPhone photo starts with. */
export function heicHeader(): Buffer {
  const ftyp = Buffer.alloc(24);
  ftyp.writeUInt32BE(24, 0);
  ftyp.write('ftypheic', 4, 'latin1');
  ftyp.write('mif1heic', 16, 'latin1');
  return Buffer.concat([ftyp, Buffer.alloc(200, 0x11)]);
}

/** Offset of the first start-of-scan marker's data, where a JPEG's entropy-coded data begins. */
export function jpegScanStart(jpeg: Buffer): number {
  const sos = jpeg.indexOf(Buffer.from([0xff, 0xda]));
  if (sos < 0) throw new Error('No SOS marker in the JPEG.');
  return sos + 2 + jpeg.readUInt16BE(sos + 2);
}

/**
 * Overwrites `length` bytes in the middle of the entropy-coded data with a
 * fixed pseudo-random pattern that includes a stray marker (FF E5), as
 * transfer garbage does, keeping the header and the end marker intact.
 * Garbage without any 0xFF byte can leave a valid, merely different,
 * bitstream (Huffman codes resynchronise), which no decoder can tell apart.
 */
export function corruptMiddle(jpeg: Buffer, length = 64): Buffer {
  const start = jpegScanStart(jpeg);
  const middle = Math.floor((start + jpeg.length - 2) / 2);
  const out = scrambled(jpeg, middle, length);
  out[middle + length / 2] = 0xff;
  out[middle + length / 2 + 1] = 0xe5;
  return out;
}

/** Any file with `length` bytes in its middle overwritten by corruptMiddle's pattern. */
export function scrambleMiddle(file: Buffer, length = 200): Buffer {
  return scrambled(file, Math.floor(file.length / 2), length);
}

function scrambled(file: Buffer, at: number, length: number): Buffer {
  const out = Buffer.from(file);
  let x = 0x2545f491;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[at + i] = x >>> 24;
  }
  return out;
}

/**
 * A deterministic photo stand-in with detail everywhere (so a grey band
 * would show), unlike sharp's noise, which differs on every run.
 */
export function texture(width: number, height: number): Sharp {
  const raw = Buffer.alloc(width * height * 3);
  let x = 12345;
  for (let i = 0; i < raw.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const p = Math.floor(i / 3);
    raw[i] = ((p % width) * 2 + Math.floor(p / width) + (x >>> 26)) & 0xff;
  }
  return sharp(raw, { raw: { width, height, channels: 3 } });
}

/** A gaussian-noise photo stand-in: detail everywhere, so a grey band would show. */
export function noise(width: number, height: number, channels: 3 | 4 = 3) {
  return sharp({
    create: {
      width,
      height,
      channels,
      background: '#000',
      noise: { type: 'gaussian', mean: 128, sigma: 50 },
    },
  });
}

/**
 * A large, smooth JPEG: a small gradient scaled up by libvips, which streams
 * it, so neither the test nor the file needs much memory.
 */
export async function largeGradientJpeg(width: number, height: number): Promise<Buffer> {
  const w = 64;
  const h = 48;
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      raw.set([(x * 255) / w, (y * 255) / h, 128], (y * w + x) * 3);
    }
  }
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } })
    .resize(width, height, { kernel: 'linear' })
    .jpeg({ quality: 70 })
    .toBuffer();
}

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer | string;
}

/** A multipart/form-data body built by hand, so names and headers can be anything. */
export function multipartBody(parts: MultipartPart[], boundary = 'hostile-boundary-7d1') {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) head += `; filename="${part.filename}"`;
    head += '\r\n';
    if (part.contentType) head += `Content-Type: ${part.contentType}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`, 'latin1'), Buffer.from(part.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    body: Buffer.concat(chunks),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}
