/** Secrets of every well-known shape: masked in any text, with nothing learned. */
export const SHAPED_SECRETS: readonly [string, string][] = [
  ["AWS user key", "AKIAIOSFODNN7EXAMPLE"],
  ["AWS STS key", "ASIAY34FZKBOKMUTVV7A"],
  ["Hugging Face token", "hf_0123456789abcdefghijABCDEFGHIJ01"],
  ["npm token", "npm_0123456789abcdefghijABCDEFGHIJ0123ab"],
  ["GitHub classic token", "ghp_0123456789abcdefghijABCDEFGHIJ012345"],
  ["GitHub server token", "ghs_16C7e42F292c6912E7710c838347Ae178B4a"],
  ["GitHub fine-grained token", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123"],
  ["GitLab token", "glpat-abcdefghij0123456789"],
  ["Anthropic key", "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123-_AA"],
  ["OpenAI key", "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789AB"],
  ["Slack token", "xoxb-123456789012-abcdefghijkl"],
  ["Stripe key", "sk_live_abcdefghijklmnop1234"],
  ["Google API key", "AIzaSyA1234567890abcdefghijklmnopqrstuv"],
  ["JWT", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"],
  [
    "PEM private key",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END RSA PRIVATE KEY-----",
  ],
  [
    "OpenSSH private key",
    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
  ],
  [
    "PGP private key",
    "-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBF0abc\n-----END PGP PRIVATE KEY BLOCK-----",
  ],
];
