// upload_chunk's argument, record { chunk : blob; canister_id : principal }, decoded without
// copying its chunk six times over. @icp-sdk/core's Candid reader (5.4, and 6.1 alike) copies the
// rest of the message for every signed LEB128 of the type table it reads (slebDecode reads
// `pipe.buffer`, a copy), six of them for this type: 6 MB copied and dropped for a 1 MB chunk,
// the replica's largest cost per upload. The chunk is the first value (record fields are laid out
// by field id, and chunk's is the smaller), so a message whose type table is one of the two
// shortest encodings of exactly this type is known byte for byte: the table, the chunk's length
// and bytes, then the principal. IDL.decode still reads the message with the chunk left out, so it
// checks the table, the principal and that nothing trails; anything else (another table, a
// message cut short) is decoded by IDL.decode whole.
import { IDL, methodTypes } from './idl.mjs';
import { fromHex, concat, hasPrefix, readLeb128 } from './util.mjs';

// 'DIDL', two table entries in either order (vec nat8; record {chunk: 0 or 1; canister_id:
// principal}), one argument of the record's type.
const HEADERS = [
  '4449444c026d7b6c02ed8c8bae0400b3c4b1f204680101',
  '4449444c026c02ed8c8bae0401b3c4b1f204686d7b0100',
].map(fromHex);

// The decoded argument, or null when the message is not in one of the forms above (the caller
// then decodes it whole). Throws what IDL.decode throws for the rest of the message.
export function decodeUploadChunkArg(arg) {
  const header = HEADERS.find((h) => hasPrefix(arg, h));
  if (!header) return null;
  let length;
  let start;
  try {
    [length, start] = readLeb128(arg, header.length);
  } catch {
    return null; // cut short: IDL.decode says so
  }
  const end = start + length;
  if (end > arg.length) return null;
  const [args] = IDL.decode(methodTypes('upload_chunk').argTypes, concat(header, Uint8Array.of(0), arg.subarray(end)));
  return { ...args, chunk: arg.subarray(start, end) };
}
