// The Python side of HookRunner: imports the backend named by the environment, calls one hook and
// writes {"return": ...}, {"unsupported": true} (the backend has no such hook) or {"error": {...}} to
// the file named by argv[2]. Everything the backend prints goes to stderr (stdout is joined to it),
// so the captured output keeps its order. Python 3 only, no imports beyond the standard library.
#include "ptinstall/build/hook_runner.hpp"

namespace ptinstall::build {

std::string_view hook_program() {
  return R"PY(
import json, os, sys, traceback

def main(hook):
    sys.stdout.flush()
    os.dup2(2, 1)
    spec = os.environ["PTINSTALL_BUILD_BACKEND"]
    backend_path = json.loads(os.environ.get("PTINSTALL_BACKEND_PATH") or "[]")
    config = json.loads(os.environ.get("PTINSTALL_CONFIG_SETTINGS") or "null")
    directory = os.environ.get("PTINSTALL_HOOK_DIR")
    result = {}
    try:
        if backend_path:
            sys.path[:0] = [os.path.abspath(p) for p in backend_path]
        module_name, _, attrs = spec.partition(":")
        try:
            import importlib
            backend = importlib.import_module(module_name)
        except ImportError as e:
            result = {"error": {"type": "BackendUnavailable", "message": "cannot import the build backend `%s`: %s" % (module_name, e),
                                "traceback": traceback.format_exc()}}
            return result
        if backend_path:
            where = os.path.abspath(getattr(backend, "__file__", "") or "")
            roots = [os.path.abspath(p) for p in backend_path]
            if not any(where == r or where.startswith(r + os.sep) for r in roots):
                return {"error": {"type": "BackendInvalid", "message": "the backend `%s` was found at %s, outside backend-path" % (module_name, where),
                                  "traceback": ""}}
        for attr in filter(None, attrs.split(".")):
            backend = getattr(backend, attr)
        fn = getattr(backend, hook, None)
        if fn is None:
            return {"unsupported": True}
        if hook.startswith("get_requires_for_build_"):
            value = fn(config)
        elif hook.startswith("prepare_metadata_for_build_"):
            value = fn(directory, config)
        else:
            value = fn(directory, config)
        result = {"return": value}
    except BaseException as e:
        result = {"error": {"type": type(e).__name__, "message": str(e), "traceback": traceback.format_exc()}}
    return result

if __name__ == "__main__":
    # Backends change sys.argv (setuptools does): take ours first.
    hook_name, answer_path = sys.argv[1], sys.argv[2]
    answer = main(hook_name)
    sys.stderr.flush()
    with open(answer_path, "w") as f:
        json.dump(answer, f)
)PY";
}

}  // namespace ptinstall::build
