/** What replaces a hidden value, in answers, errors and audit records alike. The key stays visible. */
export const MASK = "[REDACTED]";
