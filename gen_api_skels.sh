#!/usr/bin/env bash
# The name is the original ESM's (its script generated server skeletons; users run it by that
# name). What it makes now is a client: the server is api.yaml itself, routed by Connexion.
# Regenerate what is generated from api.yaml: check that the spec validates, then write the
# typed Python client (openapi-python-client, from PyPI) to clients/python/esm_client.
#   ./gen_api_skels.sh            regenerate in place
#   ./gen_api_skels.sh OUT_DIR    write the client under OUT_DIR instead (CI compares the two)
set -euo pipefail
cd "$(dirname "$0")"
out="${1:-clients/python}"

for module in openapi_spec_validator openapi_python_client; do
  python3 -c "import $module" 2>/dev/null || {
    echo "gen_api_skels.sh needs $module: pip install -r requirements-test.txt" >&2; exit 1; }
done
python3 -m openapi_spec_validator api.yaml
rm -rf "$out/esm_client"
mkdir -p "$out"
python3 -m openapi_python_client generate --path api.yaml --meta none \
  --config clients/generator.yaml --output-path "$out/esm_client" >/dev/null
echo "generated $out/esm_client from api.yaml"
