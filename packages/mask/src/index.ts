export { MIN_SECRET_LENGTH, secretValuesFromArgv, secretValuesFromEnv } from "./learn-secrets.js";
export { maskArgv, maskText, maskValue } from "./mask-record.js";
export { MASK } from "./mask-string.js";
export { EDGE_GUARD_CHARS, Redactor, type ValueOptions } from "./redactor.js";
export { cutMasked, cutMaskedChars, cutUtf8 } from "./safe-cut.js";
export { isSecretFlag, isSecretKey, normalizeName } from "./secret-names.js";
export { SECRET_SHAPES } from "./secret-shapes.js";
