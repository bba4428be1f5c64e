/**
 * Well-known secret value shapes, masked wherever they appear whatever surrounds them. A private key
 * block without its END line (cut, or still streaming) is masked to the end of the text.
 */
export const SECRET_SHAPES: readonly { name: string; pattern: RegExp }[] = [
  {
    name: "private key block",
    pattern:
      /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g,
  },
  // Access key IDs of AWS users (AKIA), temporary STS credentials (ASIA) and other principals.
  { name: "AWS key ID", pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA)[A-Z0-9]{16}\b/g },
  { name: "GitHub token", pattern: /\bgh[pousr]_[A-Za-z0-9]{20,}/g },
  { name: "GitHub fine-grained token", pattern: /\bgithub_pat_[A-Za-z0-9_]{20,}/g },
  { name: "GitLab token", pattern: /\bgl(?:pat|dt|rt|ptt|oas|cbt|soat|ft|imt|agent|wt)-[A-Za-z0-9_-]{20,}/g },
  { name: "Anthropic key", pattern: /\bsk-ant-[A-Za-z0-9_-]{10,}/g },
  { name: "OpenAI key", pattern: /\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{32,}/g },
  { name: "Slack token", pattern: /\bxox[abposre]-[A-Za-z0-9-]{10,}/g },
  { name: "Stripe key", pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g },
  { name: "Google API key", pattern: /\bAIza[0-9A-Za-z_-]{35}/g },
  { name: "npm token", pattern: /\bnpm_[A-Za-z0-9]{36}/g },
  { name: "Hugging Face token", pattern: /\bhf_[A-Za-z0-9]{30,}/g },
  // header.payload.signature, each base64url; the header of every JWT starts with `{"` = eyJ.
  { name: "JWT", pattern: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g },
];

/**
 * Text without a match of this holds none of SECRET_SHAPES: each shape's match contains one of these
 * (its fixed start), so most text is cleared by one scan instead of one per shape. Keep in step.
 */
export const SECRET_SHAPE_HINT =
  /-----BEGIN |AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|gh[pousr]_|github_pat_|gl(?:pat|dt|rt|ptt|oas|cbt|soat|ft|imt|agent|wt)-|sk-|xox[abposre]-|[sr]k_(?:live|test)_|AIza|npm_|hf_|eyJ/;

/** Text without a match of this has no AUTH_SCHEME match. */
export const AUTH_SCHEME_HINT = /[Bb]earer|Basic|Token|Digest/;

/**
 * `Authorization: Bearer abc...`: the scheme stays, the credential goes. A credential of lower-case
 * letters only is a word ("Token expired"), not a credential.
 */
export const AUTH_SCHEME = /\b([Bb]earer|Basic|Token|Digest)([ \t]+)([A-Za-z0-9._~+/=-]{6,})/g;

export function looksLikeCredential(word: string): boolean {
  return !/^[a-z]+$/.test(word);
}

/**
 * scheme://user:password@host keeps the user, hides the password (`redis://:pw@host` too). Each part
 * is bounded, so text full of `a://b:c` without an `@` costs linear time, not quadratic.
 */
export const URL_USERINFO = /\b([a-z][a-z0-9+.-]{0,31}:\/\/[^\s:/@]{0,256}):([^\s@]{1,256})@/gi;
