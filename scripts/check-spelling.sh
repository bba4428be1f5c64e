#!/bin/sh
# One spelling in code, comments and docs: American, as the ecosystem writes it (normalize, sanitize,
# behavior, labeled). Fails listing every British form found in tracked files. "cancelled" stays: the
# MCP protocol spells it so (notifications/cancelled).
set -eu
cd "$(dirname "$0")/.."
pattern='[Nn]ormalis|[Ss]anitis|[Ss]erialis|[Rr]ecognis|[Ss]ummaris|[Cc]apitalis|[Oo]rganis|[Aa]uthoris|[Ii]nitialis|[Mm]inimis|[Mm]aximis|[Pp]rioritis|[Oo]ptimis|[Uu]tilis|[Ff]inalis|[Cc]ustomis|[Cc]ategoris|[Ss]ynchronis|[Tt]okenis|[Ss]tandardis|[Vv]isualis|\b[Aa]nalys(e|ed|es|ing)\b|[Bb]ehaviour|[Cc]olour|[Hh]onour|[Ff]avour|[Ll]abour|[Nn]eighbour|[Ll]abelled|[Ss]ignalled|[Mm]odelling|[Jj]udgement|[Cc]atalogue|[Aa]rtefact'
if git grep --untracked -nE "$pattern" -- . ':!pnpm-lock.yaml' ':!scripts/check-spelling.sh'; then
  echo "British spellings above: write them the American way (normalize, sanitize, behavior, labeled)." >&2
  exit 1
fi
