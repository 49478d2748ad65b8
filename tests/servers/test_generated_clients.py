"""Generated clients get the contract right, against a live gunicorn.

From the server's own /openapi.yaml, two clients are generated the way a consuming team
would make them, into a temporary directory (never into the repo):

- Python, with openapi-python-client (the `dev` extras): imported and called for every GET
  in the document; each JSON answer must come back parsed into the generated attrs model
  (not a dict, a str or None), with no field left untyped in `additional_properties`, and
  each HTML, CSV or YAML answer as its text. The generator reads no YAML body, so its config
  maps application/yaml to text, as a consumer's would (docs/CONTRACT.md).
- TypeScript, with openapi-generator's `typescript-fetch` (the jar shipped by the PyPI
  package openapi-generator-cli, run on the machine's Java), compiled with the pinned
  `typescript` of package.json and driven by a node script that calls every GET through the
  generated API classes; each JSON answer must pass the generated `instanceOf<Model>` and
  lose no field through `<Model>FromJSON`, and no JSON operation may be typed `string`,
  `Blob` or `object` (but /openapi.json, the contract itself: a free-form object, checked
  as the parsed JSON it is).

Arguments come from the bundled dataset (EXAMPLES); a new required parameter without one
fails here, naming it. A list parameter given two values (actors uk and russia) must yield
both actors' data.
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import json
import re
import shutil
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from tests.servers.server import ROOT, live_server

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
PYTHON_GENERATOR = BIN / "openapi-python-client"
OPENAPI_GENERATOR = BIN / "openapi-generator-cli"
PACKAGE = "standpoint_generated_client"

# Valid arguments from service/data/dataset.yaml, by parameter name ("{server}" is the
# live server's URL). `format` (JSON is the default), `since` (an opaque cursor the feed
# issues) and the header parameters are left unset.
EXAMPLES = {
    "actor_id": "uk",
    "topic_id": "backstop",
    "statement_id": "uk-backstop-2025-03-20",
    "note_id": "uk-peacekeepers-considered",
    "as_of": "2025-03-20",
    "from": "2025-03-11",
    "to": "2025-03-20",
    "actors": ["uk", "russia"],
    "topics": ["backstop", "peacekeepers"],
    "actor": "uk",
    "topic": "backstop",
    "left": "us@2025-03-11",
    "right": "russia@2025-03-20",
    "page": 1,
    "per_page": 10,
    "limit": 10,
    "trail_limit": 3,
    "include_retracted": True,
    "maxwidth": 600,
    "maxheight": 800,
    "url": "{server}/embed/matrix?as_of=2025-03-20",
}
LEFT_UNSET = {"format", "since"}
TWO_ACTORS = {"uk", "russia"}
# Operations whose answer is made of the actors asked for: given actors=uk&actors=russia,
# the typed answer must hold exactly those two.
ACTOR_LISTS = {"/v1/positions", "/v1/matrix", "/v1/compare"}
NOT_A_MODEL = {"string", "Blob", "object", "any", "void"}


@dataclass
class Operation:
    path: str
    operation_id: str
    parameters: list[dict]
    media_types: list[str]
    model: str | None  # the 200 JSON schema's component name, when it is one
    free_form: bool  # the 200 JSON schema is an object with no declared fields (a document)
    arguments: dict = field(default_factory=dict)  # spec name -> example value

    @property
    def json(self) -> bool:
        return "application/json" in self.media_types


def resolve(spec: dict, node: dict) -> dict:
    while isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def read_operations(spec: dict, server_url: str) -> list[Operation]:
    operations, missing = [], []
    for path, item in spec["paths"].items():
        get = item.get("get")
        if not get or get.get("security"):  # admin-only reads (webhook subscriptions)
            continue
        parameters = [resolve(spec, p) for p in item.get("parameters", []) + get.get("parameters", [])]
        ok = resolve(spec, get["responses"]["200"])
        content = ok.get("content", {})
        if list(content) == ["application/yaml"]:
            # /openapi.yaml is declared as the mapping a YAML parser reads from it (issue 22,
            # schemathesis ST108), which neither generator can decode; a consumer's client
            # takes the same document from /openapi.json, which is checked here.
            continue
        schema = content.get("application/json", {}).get("schema", {})
        ref = schema.get("$ref", "")
        free_form = not ref and not schema.get("properties") and schema.get("type") == "object"
        operation = Operation(path, get["operationId"], parameters, list(content),
                              ref.rsplit("/", 1)[-1] or None, free_form)
        for parameter in parameters:
            name = parameter["name"]
            if parameter["in"] == "header" or name in LEFT_UNSET:
                continue
            schema = resolve(spec, parameter.get("schema", {}))
            value = EXAMPLES.get(name, parameter.get("example", schema.get("example")))
            if value is None:
                if parameter.get("required"):
                    missing.append(f"{get['operationId']}: {name}")
                continue
            if isinstance(value, str):
                value = value.replace("{server}", server_url)
            operation.arguments[name] = value
        operations.append(operation)
    assert not missing, f"add an example argument to EXAMPLES for these required parameters: {missing}"
    return operations


def date_parameters(operation: Operation, spec: dict) -> set[str]:
    return {p["name"] for p in operation.parameters
            if resolve(spec, p.get("schema", {})).get("format") == "date"}


def actor_ids(value, found=None) -> set[str]:
    """Every `actor` (and `actors` item) anywhere in a parsed answer, typed or plain."""
    found = set() if found is None else found
    if hasattr(value, "__attrs_attrs__"):
        value = {a.name: getattr(value, a.name) for a in value.__attrs_attrs__}
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "actor" and isinstance(item, str):
                found.add(item)
            elif key == "actors" and isinstance(item, list):
                found.update(i for i in item if isinstance(i, str))
            else:
                actor_ids(item, found)
    elif isinstance(value, list):
        for item in value:
            actor_ids(item, found)
    return found


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with live_server(tmp_path_factory.mktemp("clients"), STANDPOINT_ACCESS_LOG="0",
                     STANDPOINT_RATE_LIMIT_PER_IP="100000 per minute") as server:
        yield server


@pytest.fixture(scope="module")
def served_spec(server, tmp_path_factory):
    """The document as a consumer gets it: from the deployment's /openapi.yaml."""
    with urllib.request.urlopen(server.url + "/openapi.yaml", timeout=10) as response:
        text = response.read().decode("utf-8")
    path = tmp_path_factory.mktemp("spec") / "openapi.yaml"
    path.write_text(text, "utf-8")
    spec = yaml.safe_load(text)
    return path, spec, read_operations(spec, server.url)


def run(command, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True,
                            timeout=kwargs.pop("timeout", 600), **kwargs)
    assert result.returncode == 0, (
        f"{' '.join(map(str, command))} exited {result.returncode}\n"
        f"{result.stdout[-8000:]}\n{result.stderr[-8000:]}")
    return result


# --- Python: openapi-python-client ---------------------------------------------------------

def python_arguments(function, operation: Operation, dates: set[str]) -> dict:
    accepted = inspect.signature(function).parameters
    arguments = {}
    locations = {p["name"]: p["in"] for p in operation.parameters}
    for name, value in operation.arguments.items():
        base = re.sub(r"\W", "_", name).lower()
        # The generator's renames: a keyword gets "_" (from_), a clash its location (url_query).
        python_name = next((candidate for candidate in (base, base + "_", f"{base}_{locations[name]}")
                            if candidate in accepted), None)
        assert python_name, (
            f"the generated {operation.operation_id}() takes no argument for `{name}`: {list(accepted)}")
        arguments[python_name] = datetime.date.fromisoformat(value) if name in dates else value
    return arguments


def untyped_fields(value, where="answer") -> list[str]:
    """Fields of the answer that no generated model declares (parked in additional_properties).
    A map the spec types (`additionalProperties: {$ref: ...}`, such as `labels` by language)
    holds a generated model under each key: those are declared, and are looked into."""
    found = []
    if hasattr(value, "__attrs_attrs__"):
        extra = getattr(value, "additional_properties", None) or {}
        if all(hasattr(item, "__attrs_attrs__") for item in extra.values()):
            for key, item in extra.items():
                found += untyped_fields(item, f"{where}[{key!r}]")
        else:
            found.append(f"{where} ({type(value).__name__}): {sorted(extra)}")
        for attribute in value.__attrs_attrs__:
            if attribute.name != "additional_properties":
                found += untyped_fields(getattr(value, attribute.name), f"{where}.{attribute.name}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += untyped_fields(item, f"{where}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            found += untyped_fields(item, f"{where}[{key!r}]")
    return found


def test_python_client_parses_every_json_answer_into_its_model(server, served_spec, tmp_path):
    if not PYTHON_GENERATOR.exists():
        pytest.skip("openapi-python-client is not installed: `make install-dev` (it is in the dev extras)")
    spec_path, spec, operations = served_spec
    config = tmp_path / "generator.yaml"
    # No ruff pass (the code is only imported). openapi-python-client reads only JSON, text/*
    # and octet-stream bodies and drops any other 200, so a consumer maps the YAML document
    # to text, as here.
    config.write_text("post_hooks: []\ncontent_type_overrides:\n  application/yaml: text/plain\n", "utf-8")
    generated = run([PYTHON_GENERATOR, "generate", "--path", spec_path, "--meta", "none",
                     "--config", config, "--output-path", tmp_path / PACKAGE], cwd=tmp_path)
    # A response the generator could not type is dropped with a warning naming the path.
    dropped = set(re.findall(r"WARNING parsing GET (\S+) ", generated.stdout + generated.stderr))
    assert not dropped & {op.path for op in operations if op.json}, generated.stdout

    sys.path.insert(0, str(tmp_path))
    try:
        client_module = importlib.import_module(f"{PACKAGE}.client")
        modules = python_get_modules(tmp_path / PACKAGE)
        client = client_module.Client(base_url=server.url, raise_on_unexpected_status=True, timeout=30)
        problems, typed, called, two_actors = [], [], 0, []
        with client:
            for operation in operations:
                module_path = modules.get(operation.path)
                assert module_path, f"the generated client has no GET {operation.path} ({operation.operation_id})"
                module = importlib.import_module(module_path)
                arguments = python_arguments(module.sync_detailed, operation, date_parameters(operation, spec))
                request = module._get_kwargs(**arguments)
                assert request["method"] == "get", request
                label = f"{operation.operation_id} GET {request['url']} {request.get('params', {})}"
                called += 1
                try:
                    response = module.sync_detailed(client=client, **arguments)
                except Exception as error:  # the client could not take the answer
                    problems.append(f"{label}: {type(error).__name__}: {str(error)[:300]}")
                    continue
                if response.status_code != 200:
                    problems.append(f"{label} -> {int(response.status_code)}: {response.content[:300]!r}")
                    continue
                parsed = response.parsed
                if not operation.json:  # HTML, CSV, YAML: the text of the answer
                    if not (isinstance(parsed, str) and parsed):
                        problems.append(f"{label} -> {type(parsed).__name__} {str(parsed)[:80]!r}, not its text")
                    continue
                kind = type(parsed)
                if operation.free_form:  # a whole document: a mapping of its own keys, no model
                    if not (isinstance(parsed, dict) or hasattr(parsed, "additional_properties")):
                        problems.append(f"{label} parsed as {kind.__name__}, not a mapping")
                    typed.append(operation.operation_id)
                    continue
                if not (hasattr(kind, "__attrs_attrs__") and kind.__module__.startswith(f"{PACKAGE}.models.")):
                    problems.append(f"{label} parsed as {kind.__name__}, not a generated model")
                    continue
                if operation.model and kind.__name__.lower() != operation.model.lower():
                    problems.append(f"{label} parsed as {kind.__name__}, not {operation.model}")
                problems += [f"{label}: undeclared field at {where}" for where in untyped_fields(parsed)]
                if operation.path in ACTOR_LISTS and operation.arguments.get("actors") == ["uk", "russia"]:
                    got = actor_ids(parsed)
                    if got != TWO_ACTORS:
                        problems.append(f"{label}: asked for actors uk and russia, the answer has {sorted(got)}")
                    two_actors.append(operation.path)
                typed.append(operation.operation_id)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]
    json_operations = [op.operation_id for op in operations if op.json]
    print(f"python client: {called} GET operations called, {len(typed)} of {len(json_operations)} "
          f"JSON answers typed; actors=uk&actors=russia answered for both on {sorted(two_actors)}")
    assert called == len(operations)
    assert not problems, "\n".join(problems)
    assert sorted(typed) == sorted(json_operations)
    assert set(two_actors) == ACTOR_LISTS & {op.path for op in operations}


def python_get_modules(package_dir: Path) -> dict[str, str]:
    """path -> module of the generated GET function, read from each module's request."""
    found = {}
    for source_file in sorted((package_dir / "api").glob("*/*.py")):
        source = source_file.read_text("utf-8")
        url = re.search(r'"url": "(/[^"]*)"', source)
        if url and '"method": "get"' in source:
            found[url.group(1)] = f"{PACKAGE}.api.{source_file.parent.name}.{source_file.stem}"
    return found


# --- TypeScript: openapi-generator typescript-fetch --------------------------------------

NODE_RUNNER = r"""
const client = require(process.argv[2]);
const plan = JSON.parse(require('fs').readFileSync(process.argv[3], 'utf8'));

// Keys of the answer on the wire that the typed value did not keep. The generated models
// rename fields (as_of -> asOf, from -> _from): names are compared without case or "_".
const plain = (name) => name.replace(/_/g, '').toLowerCase();
function lost(raw, kept, where) {
  if (Array.isArray(raw)) {
    if (!Array.isArray(kept)) return [`${where} (became ${typeof kept})`];
    return raw.flatMap((item, i) => lost(item, kept[i], `${where}[${i}]`));
  }
  if (raw === null || typeof raw !== 'object') return [];
  if (kept === null || typeof kept !== 'object') return [`${where} (became ${typeof kept})`];
  const keys = new Map(Object.keys(kept).map((key) => [plain(key), key]));
  return Object.keys(raw).flatMap((key) => {
    const match = keys.get(plain(key));
    if (match === undefined || kept[match] === undefined) return raw[key] === null ? [] : [`${where}.${key}`];
    return lost(raw[key], kept[match], `${where}.${key}`);
  });
}

function actorIds(value, found = new Set()) {
  if (Array.isArray(value)) value.forEach((item) => actorIds(item, found));
  else if (value && typeof value === 'object' && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'actor' && typeof item === 'string') found.add(item);
      else if (key === 'actors' && Array.isArray(item)) {
        item.filter((i) => typeof i === 'string').forEach((i) => found.add(i));
      }
      else actorIds(item, found);
    }
  }
  return found;
}

(async () => {
  const configuration = new client.Configuration({ basePath: plan.basePath });
  const results = [];
  for (const op of plan.operations) {
    const result = { operationId: op.operationId };
    const args = {};
    for (const [name, value] of Object.entries(op.args)) args[name] = op.dates.includes(name) ? new Date(value) : value;
    try {
      const api = new client[op.api](configuration);
      const response = await api[op.method + 'Raw'](args);
      result.url = response.raw.url;
      result.status = response.raw.status;
      const raw = op.json ? await response.raw.clone().json() : null;
      const value = await response.value();
      result.type = typeof value;
      if (op.json) {
        result.plainObject = value !== null && typeof value === 'object' && !Array.isArray(value);
        if (op.freeForm) {  // a whole document, typed `object`: it must be the parsed JSON
          result.instanceOf = true;
          result.lost = lost(raw, value, 'answer');
        } else {
          result.instanceOf = client['instanceOf' + op.model](value);
          result.lost = lost(raw, value, 'answer');
        }
        result.actors = [...actorIds(value)].sort();
      } else {
        result.length = typeof value === 'string' ? value.length : null;
      }
    } catch (error) {
      result.error = String((error && error.stack) || error).slice(0, 800);
      if (error && error.response) { result.status = error.response.status; result.url = error.response.url; }
    }
    results.push(result);
  }
  process.stdout.write(JSON.stringify(results));
})();
"""


def typescript_compiler(tmp_path: Path) -> Path:
    """tsc at the version package.json pins: node_modules' (after `npm ci`), or that
    version installed into a temporary directory from the npm registry."""
    local = ROOT / "node_modules" / ".bin" / "tsc"
    if local.exists():
        return local
    package = json.loads((ROOT / "package.json").read_text("utf-8"))
    version = {**package.get("dependencies", {}), **package.get("devDependencies", {})}.get("typescript")
    if not version:
        pytest.skip("package.json pins no typescript")
    if not shutil.which("npm"):
        pytest.skip(f"typescript is not installed and npm is missing: run `npm ci` (typescript {version})")
    where = tmp_path / "tsc"
    where.mkdir()
    run(["npm", "install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund",
         "--ignore-scripts", f"typescript@{version}"], cwd=where)
    return where / "node_modules" / ".bin" / "tsc"


def typescript_operations(client_dir: Path) -> dict:
    """(path) -> {api, method, returns, names: spec parameter name -> TS property}, read from
    the generated API classes."""
    found = {}
    for source_file in sorted((client_dir / "apis").glob("*Api.ts")):
        source = source_file.read_text("utf-8")
        api = re.search(r"export class (\w+) extends runtime\.BaseAPI", source).group(1)
        for match in re.finditer(r"async (\w+)RequestOpts\(.*?\): Promise<runtime\.RequestOpts> \{(.*?)\n    \}\n",
                                 source, re.S):
            method, body = match.groups()
            if "method: 'GET'" not in body:
                continue
            path = re.search(r"let urlPath = `([^`]*)`;", body).group(1)
            names = dict(re.findall(r"(?:query|header)Parameters\['([^']+)'\] = .*?requestParameters\['(\w+)'\]", body))
            names.update(re.findall(r"urlPath\.replace\(['\"`]\{(\w+)\}['\"`], .*?requestParameters\['(\w+)'\]", body))
            returns = re.search(rf"async {method}\(.*?\): Promise<(.+)> \{{$", source, re.M).group(1)
            found[path] = {"api": api, "method": method, "returns": returns, "names": names}
    return found


def test_typescript_client_types_and_parses_every_json_answer(server, served_spec, tmp_path):
    missing = [tool for tool in ("java", "node") if not shutil.which(tool)]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not on PATH: the TypeScript client needs Java (generator) and node")
    if not OPENAPI_GENERATOR.exists():
        pytest.skip("openapi-generator-cli (PyPI, ships the jar) is not installed: `make install-dev`")
    tsc = typescript_compiler(tmp_path)
    spec_path, spec, operations = served_spec
    client_dir = tmp_path / "client"
    run([OPENAPI_GENERATOR, "generate", "-g", "typescript-fetch", "-i", spec_path, "-o", client_dir,
         "--additional-properties=supportsES6=true"], cwd=tmp_path)

    generated = typescript_operations(client_dir)
    problems, plan = [], []
    for operation in operations:
        ts = generated.get(operation.path)
        if ts is None:
            problems.append(f"{operation.operation_id}: no GET {operation.path} in the generated client")
            continue
        if operation.json and not operation.free_form and (ts["returns"] in NOT_A_MODEL or not operation.model):
            problems.append(f"{operation.operation_id} (JSON) is typed Promise<{ts['returns']}>, not a model")
            continue
        absent = [name for name in operation.arguments if name not in ts["names"]]
        if absent:
            problems.append(f"{operation.operation_id}: the generated client sends no {absent}")
            continue
        plan.append({
            "operationId": operation.operation_id, "api": ts["api"], "method": ts["method"],
            "json": operation.json, "freeForm": operation.free_form,
            "model": ts["returns"] if operation.json else None,
            "args": {ts["names"][name]: value for name, value in operation.arguments.items()},
            "dates": [ts["names"][name] for name in date_parameters(operation, spec) if name in operation.arguments],
        })
    assert not problems, "\n".join(problems)

    (tmp_path / "tsconfig.json").write_text(json.dumps({
        "compilerOptions": {"target": "ES2020", "module": "commonjs", "lib": ["ES2020", "DOM"],
                            "strict": True, "skipLibCheck": True, "outDir": "dist", "rootDir": "client"},
        "include": ["client/**/*.ts"]}), "utf-8")
    run(["node", tsc, "-p", tmp_path / "tsconfig.json"], cwd=tmp_path)
    (tmp_path / "run.js").write_text(NODE_RUNNER, "utf-8")
    (tmp_path / "plan.json").write_text(json.dumps({"basePath": server.url, "operations": plan}), "utf-8")
    results = json.loads(run(["node", tmp_path / "run.js", tmp_path / "dist" / "index.js",
                              tmp_path / "plan.json"], cwd=tmp_path, timeout=120).stdout)

    by_id = {op.operation_id: op for op in operations}
    typed, two_actors = [], []
    for result in results:
        operation = by_id[result["operationId"]]
        label = f"{result['operationId']} GET {result.get('url', operation.path)}"
        if result.get("error") or result.get("status") != 200:
            problems.append(f"{label} -> {result.get('status')}: {result.get('error', '')}")
        elif not operation.json:
            if result["type"] != "string" or not result["length"]:
                problems.append(f"{label}: expected text, got {result['type']} of length {result.get('length')}")
        elif not (result["plainObject"] and result["instanceOf"]):
            problems.append(f"{label}: not a {operation.model} (instanceOf{operation.model} false or not an object)")
        else:
            problems += [f"{label}: the typed model dropped {where}" for where in result["lost"]]
            if operation.path in ACTOR_LISTS and operation.arguments.get("actors") == ["uk", "russia"]:
                if set(result["actors"]) != TWO_ACTORS:
                    problems.append(f"{label}: asked for actors uk and russia, the answer has {result['actors']}")
                two_actors.append(operation.path)
            typed.append(result["operationId"])
    json_operations = [op.operation_id for op in operations if op.json]
    print(f"typescript client: {len(results)} GET operations called, {len(typed)} of "
          f"{len(json_operations)} JSON answers typed; actors uk and russia answered for both on "
          f"{sorted(two_actors)}")
    assert len(results) == len(operations)
    assert not problems, "\n".join(problems)
    assert sorted(typed) == sorted(json_operations)
    assert set(two_actors) == ACTOR_LISTS & {op.path for op in operations}
