#!/usr/bin/env bash
# ci/clients/medplum-export.sh BASE_URL OUT_DIR [DEADLINE_S]: a system-level export with the real
# third-party client @medplum/cli (installed by ci/install_medplum.sh), unmodified, for
# ci/replay.py --client 'ci/clients/medplum-export.sh {base_url} {out_dir} {timeout}'.
#
# What it takes to run it unattended (docs/clients/medplum.md):
#  * --fhir-url-path: without it the CLI talks to {base}/fhir/R4 (and without --base-url, to
#    api.medplum.com);
#  * no login: a fresh HOME (~/.medplum), an empty working directory (it reads ./.env) and no
#    MEDPLUM_* variables, else it asks {base}/oauth2/token for a token first;
#  * a deadline: it has none of its own and polls until the job ends (timeout exits 124).
set -u
base=$1
out=$2
deadline=${3:-120}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
medplum=${BH_MEDPLUM:-$here/build/third_party/medplum/node_modules/.bin/medplum}
if [ ! -x "$medplum" ]; then
  echo "medplum-export: $medplum not found: run ci/install_medplum.sh (or set BH_MEDPLUM)" >&2
  exit 2
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
env -u MEDPLUM_BASE_URL -u MEDPLUM_FHIR_URL_PATH -u MEDPLUM_CLIENT_ID -u MEDPLUM_CLIENT_SECRET \
    -u MEDPLUM_CLIENT_ACCESS_TOKEN -u MEDPLUM_TOKEN_URL -u MEDPLUM_AUTHORIZE_URL \
    HOME="$scratch" \
  timeout -k 5 "$deadline" "$medplum" --base-url "$base" --fhir-url-path "$base" \
    bulk export -d "$out"
