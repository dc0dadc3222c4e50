import { createECDH } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptAes128gcm } from './webPushServer.js';

/** RFC 8291 §5 "Push Message Encryption Example" (Appendix A lists the intermediate values). */
const RFC8291 = {
  plaintext: 'When I grow up, I want to be a watermelon',
  uaPrivate: 'q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94',
  uaPublic: 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
  authSecret: 'BTBZMqHH6r4Tts7J_aSIgg',
  body:
    'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml' +
    'mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT' +
    'pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN',
};

describe('mock Web Push service decryption', () => {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(RFC8291.uaPrivate, 'base64url'));
  const keys = { ecdh, auth: Buffer.from(RFC8291.authSecret, 'base64url') };

  it("decrypts RFC 8291's example", () => {
    expect(ecdh.getPublicKey().toString('base64url')).toBe(RFC8291.uaPublic);
    expect(decryptAes128gcm(Buffer.from(RFC8291.body, 'base64url'), keys).toString('utf8')).toBe(RFC8291.plaintext);
  });

  it('refuses a tampered body', () => {
    const body = Buffer.from(RFC8291.body, 'base64url');
    body[body.length - 20] ^= 1;
    expect(() => decryptAes128gcm(body, keys)).toThrow();
  });
});
