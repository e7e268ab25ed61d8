#!/usr/bin/env bash
# Checks what Maven Central asks of every published artifact's POM: name, description, url, licenses, developers and
# scm (in the POM or inherited from finetoon-parent), and that finetoon-bom manages every published module.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - <<'PY'
import sys
import xml.etree.ElementTree as ET

NS = {"m": "http://maven.apache.org/POM/4.0.0"}
REQUIRED = ["name", "description", "url", "licenses/m:license/m:name", "developers/m:developer", "scm/m:url"]
UNPUBLISHED = {"finetoon-examples"}  # the CLI application: built, never deployed


def pom(path):
    return ET.parse(path).getroot()


def has(root, path):
    element = root.find("m:" + path, NS)
    return element is not None and (len(element) > 0 or (element.text or "").strip() != "")


parent = pom("pom.xml")
modules = [m.text for m in parent.findall("m:modules/m:module", NS)]
problems = []
published = []
for module in ["."] + modules:
    root = pom(module + "/pom.xml")
    artifact = root.find("m:artifactId", NS).text
    if artifact in UNPUBLISHED:
        continue
    published.append(artifact)
    inherits = root.find("m:parent/m:artifactId", NS) is not None
    for path in REQUIRED:
        if not has(root, path) and not (inherits and path not in ("name", "description") and has(parent, path)):
            problems.append(f"{module}/pom.xml: no {path.replace('m:', '')}")

bom = pom("finetoon-bom/pom.xml")
managed = {d.find("m:artifactId", NS).text for d in bom.findall("m:dependencyManagement/m:dependencies/m:dependency", NS)}
for artifact in published:
    if artifact not in ("finetoon-parent", "finetoon-bom") and artifact not in managed:
        problems.append(f"finetoon-bom/pom.xml: does not manage {artifact}")
if bom.find("m:parent", NS) is not None:
    problems.append("finetoon-bom/pom.xml: inherits a parent, so importing it would pin the parent's libraries")

for problem in problems:
    print(problem)
if problems:
    sys.exit(1)
print(f"poms: {len(published)} published artifacts have Central's metadata; the BOM manages every module")
PY
