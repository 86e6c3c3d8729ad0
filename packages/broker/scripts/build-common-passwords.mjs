// Rebuilds src/modules/password/common-passwords.txt.br, the list strength.ts refuses.
//
// Source: the `passwords` dictionary of @zxcvbn-ts/language-common (MIT, © Dan Wheeler and
// Dropbox, Inc. and @zxcvbn-ts; see common-passwords.LICENSE.txt), which ranks the 49,233
// most frequent passwords of Xato's 10-million-password corpus. Only entries at least as long
// as the broker's minimum length are kept: shorter ones are already refused by the length rule.
//
//   cd "$(mktemp -d)" && npm pack @zxcvbn-ts/language-common@4.1.3 && tar xzf zxcvbn-ts-language-common-4.1.3.tgz
//   node packages/broker/scripts/build-common-passwords.mjs "$OLDPWD/package/src/passwords.json"
import { readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';

const MIN_LENGTH = 8; // LIMITS.passwordMinLength in @latchkey/client; strength.test.ts checks they agree.
const source = process.argv[2];
if (!source) throw new Error('usage: build-common-passwords.mjs <path to @zxcvbn-ts/language-common src/passwords.json>');

const ranked = JSON.parse(readFileSync(source, 'utf8'));
const kept = [...new Set(ranked.map((p) => p.trim().toLowerCase()))].filter((p) => [...p].length >= MIN_LENGTH);
const text = Buffer.from(`${kept.join('\n')}\n`);
const packed = brotliCompressSync(text, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: text.length } });
const target = new URL('../src/modules/password/common-passwords.txt.br', import.meta.url);
writeFileSync(target, packed);
console.log(`${ranked.length} ranked passwords, ${kept.length} of ${MIN_LENGTH}+ characters kept: ${text.length} bytes, ${packed.length} brotli`);
