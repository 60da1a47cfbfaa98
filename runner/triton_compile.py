#!/usr/bin/env python3
"""Compile one Triton kernel to a cubin for gemmscope's C++ runner.

The runner runs `python3 runner/triton_compile.py`, writes one JSON request to stdin and reads one
JSON reply from stdout (docs/kernel_cards.md, "Triton cards"). Only that reply goes to stdout:
whatever Triton or the user's module prints is sent to stderr. Every failure a user can cause is a
reply with "ok": false and exit status 0; a non-zero status means a bug in this helper.

The kernel is specialised the way Triton's own JIT launcher would specialise it for the same
arguments (an integer equal to 1 becomes a constant, integers and buffers divisible by 16 are
marked so, the kernel's do_not_specialize lists are honoured), with one difference: a scalar's type
is the one the card declares (i32, i64, ...), not one guessed from its value, because the runner
passes exactly that many bytes.
"""

import importlib.machinery
import importlib.util
import inspect
import json
import os
import re
import sys
import tempfile
import traceback

# The version gemmscope's ./setup.sh installs; others are used, with a warning, and any change of
# the launch ABI this helper can see (the PTX entry's parameters) is an error, not a silent misfit.
PINNED_TRITON = "3.6.0"
SETUP_HINT = ("./setup.sh installs the pinned Triton %s into build/deps/python, and PYTHONPATH must "
              "include that folder" % PINNED_TRITON)

# Environment settings that would make the result differ from what the request asks for.
IGNORED_ENV = {
    "TRITON_INTERPRET": "the interpreter cannot produce a cubin",
    "TRITON_OVERRIDE_ARCH": "the request's arch is used",
    "TRITON_STORE_BINARY_ONLY": "the PTX is needed to check the kernel's parameters",
}

# Scalar types a card can pass: bytes on the launch, and the range a value must fit.
SCALAR_TYPES = {
    "i32": (4, -2**31, 2**31 - 1),
    "i64": (8, -2**63, 2**63 - 1),
    "u32": (4, 0, 2**32 - 1),
    "u64": (8, 0, 2**64 - 1),
    "fp32": (4, None, None),
    "fp64": (8, None, None),
}
INT_TYPES = ("i32", "i64", "u32", "u64")
FLOAT_TYPES = ("fp32", "fp64")

# Element types of buffer arguments (card spelling -> triton.language dtype name).
POINTER_DTYPES = {
    "fp16": "fp16", "bf16": "bf16", "fp32": "fp32", "fp64": "fp64",
    "i8": "int8", "i16": "int16", "i32": "int32", "i64": "int64",
    "u8": "uint8", "u16": "uint16", "u32": "uint32", "u64": "uint64",
}

# The runner's buffers are 256-byte aligned; any address with that alignment specialises alike.
BUFFER_ADDRESS = 256


class Failure(Exception):
    """A problem the user (or the card) can fix; becomes an "ok": false reply."""

    def __init__(self, kind, error, file=None, line=None):
        super().__init__(error)
        self.kind, self.error, self.file, self.line = kind, error, file, line

    def reply(self):
        reply = {"ok": False, "kind": self.kind, "error": self.error}
        if self.file:
            reply["file"] = self.file
        if self.line:
            reply["line"] = self.line
        return reply


def note(message):
    print("triton_compile: " + message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# The request

def parse_request(text):
    try:
        req = json.loads(text)
    except ValueError as e:
        raise Failure("bad_request", "the request on stdin is not JSON: %s" % e)
    if not isinstance(req, dict):
        raise Failure("bad_request", "the request on stdin must be a JSON object")

    def field(name, types, default=None, required=True):
        if name not in req:
            if required:
                raise Failure("bad_request", 'the request has no "%s"' % name)
            return default
        value = req[name]
        # bool is an int in Python; never accept it where a number is meant.
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise Failure("bad_request", '"%s" has the wrong type (%s)' % (name, type(value).__name__))
        return value

    out = {
        "source_path": field("source_path", (str,)),
        "kernel": field("kernel", (str,)),
        "arch": field("arch", (int,)),
        "cubin_out": field("cubin_out", (str,)),
        "constexprs": field("constexprs", (dict,), {}, required=False),
        "options": field("options", (dict,), {}, required=False),
        "args": field("args", (list,)),
    }
    if out["arch"] <= 0:
        raise Failure("bad_request", '"arch" must be a compute capability such as 89 or 90')
    for name, value in out["constexprs"].items():
        if not isinstance(value, (bool, int, float, str)):
            raise Failure("bad_request", 'constexpr %s must be an integer, a string or a bool, not %s'
                          % (name, json.dumps(value)))
    out["args"] = [parse_arg(i, a) for i, a in enumerate(out["args"])]
    return out


def parse_arg(index, arg):
    where = "args[%d]" % index
    if not isinstance(arg, dict):
        raise Failure("bad_request", "%s must be an object" % where)
    kind = arg.get("kind")
    if kind == "ptr":
        dtype = arg.get("dtype", "fp32")
        if dtype not in POINTER_DTYPES:
            raise Failure("bad_request", "%s: unknown buffer dtype %r (known: %s)"
                          % (where, dtype, ", ".join(POINTER_DTYPES)))
        return {"kind": "ptr", "dtype": dtype}
    if kind in ("int", "float"):
        allowed = INT_TYPES if kind == "int" else FLOAT_TYPES
        ty = arg.get("type", allowed[0])
        if ty not in allowed:
            raise Failure("bad_request", "%s: a %s argument's type must be one of %s, not %r"
                          % (where, kind, ", ".join(allowed), ty))
        value = arg.get("value")
        if kind == "int":
            if not isinstance(value, int) or isinstance(value, bool):
                raise Failure("bad_request", "%s: an int argument needs an integer value" % where)
            _, lo, hi = SCALAR_TYPES[ty]
            if not lo <= value <= hi:
                raise Failure("bad_request", "%s: %d does not fit in %s" % (where, value, ty))
        elif not isinstance(value, (int, float)) or isinstance(value, bool):
            raise Failure("bad_request", "%s: a float argument needs a numeric value" % where)
        return {"kind": kind, "type": ty, "value": value}
    raise Failure("bad_request", '%s: "kind" must be "ptr", "int" or "float", not %r' % (where, kind))


# --------------------------------------------------------------------------------------------
# Triton

class TritonApi:
    """The few parts of Triton this helper relies on, looked up once so that a Triton whose
    internals moved fails with one clear message instead of an AttributeError later on."""

    def __init__(self):
        try:
            import triton
        except BaseException as e:  # a broken install can raise anything, even SystemExit
            raise Failure("no_triton", "cannot import triton (%s: %s) with Python %s; %s"
                          % (type(e).__name__, e, sys.version.split()[0], SETUP_HINT))
        self.version = getattr(triton, "__version__", "unknown")
        self.location = os.path.dirname(getattr(triton, "__file__", "") or "?")
        if self.version != PINNED_TRITON:
            note("Triton %s at %s is not the pinned %s; the kernel's parameters are checked "
                 "against the PTX, but %s" % (self.version, self.location, PINNED_TRITON, SETUP_HINT))
        try:
            from triton._C.libtriton import native_specialize_impl
            from triton.backends.compiler import GPUTarget
            from triton.compiler import ASTSource
            from triton.compiler.compiler import make_backend
            from triton.compiler.errors import CompilationError
            from triton.runtime.jit import JITCallable, JITFunction
            import triton.language as tl
        except Exception as e:
            raise Failure("no_triton", "Triton %s at %s lacks an interface this helper uses (%s: %s); "
                          "%s" % (self.version, self.location, type(e).__name__, e, SETUP_HINT))
        self.triton = triton
        self.tl = tl
        self.specialize = native_specialize_impl
        self.GPUTarget = GPUTarget
        self.ASTSource = ASTSource
        self.make_backend = make_backend
        self.CompilationError = CompilationError
        self.JITCallable = JITCallable
        self.JITFunction = JITFunction


def unwrap_jit(api, obj):
    """The JITFunction under @triton.autotune / @triton.heuristics wrappers (they keep it in .fn)."""
    seen = 0
    while not isinstance(obj, api.JITFunction) and hasattr(obj, "fn") and seen < 8:
        obj, seen = obj.fn, seen + 1
    return obj if isinstance(obj, api.JITFunction) else None


def def_line(jit_fn):
    """(file, line, indent) of the `def` of a @jit function: its src starts there, dedented."""
    try:
        lines, first = inspect.getsourcelines(jit_fn.fn)
        file = inspect.getsourcefile(jit_fn.fn)
    except (OSError, TypeError):
        return None, None, 0
    for i, text in enumerate(lines):
        if text.lstrip().startswith("def "):
            return file, first + i, len(text) - len(text.lstrip())
    return file, first, 0


# --------------------------------------------------------------------------------------------
# Loading the user's module

def traceback_line(exc, source_path):
    """The deepest line of the user's file in an exception's traceback, else the deepest frame
    outside the import machinery."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if "importlib" not in f.filename and f.filename != __file__]
    mine = [f for f in frames if os.path.abspath(f.filename) == source_path]
    frame = (mine or frames or [None])[-1]
    return (frame.filename, frame.lineno) if frame else (source_path, None)


def load_module(source_path):
    if not os.path.isfile(source_path):
        raise Failure("import", "no such file: %s" % source_path, source_path)
    directory = os.path.dirname(source_path)
    if directory not in sys.path:
        sys.path.insert(0, directory)
    name = os.path.splitext(os.path.basename(source_path))[0]
    if name in sys.modules or not name.isidentifier():
        name = "gemmscope_card_" + re.sub(r"\W", "_", name)  # never shadow triton, json, ...
    # An explicit loader: a card's source need not end in .py.
    loader = importlib.machinery.SourceFileLoader(name, source_path)
    spec = importlib.util.spec_from_file_location(name, source_path, loader=loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look the module up by name
    try:
        spec.loader.exec_module(module)
    except SyntaxError as e:
        where = e.filename or source_path
        text = (e.text or "").rstrip("\n")
        raise Failure("import", "%s:%s: SyntaxError: %s%s" % (where, e.lineno, e.msg,
                                                             ("\n    " + text.strip()) if text else ""),
                      where, e.lineno)
    except BaseException as e:  # a module may even call sys.exit() while importing
        if isinstance(e, KeyboardInterrupt):
            raise
        file, line = traceback_line(e, source_path)
        raise Failure("import", "importing %s failed at %s:%s: %s: %s"
                      % (source_path, file, line, type(e).__name__, e), file, line)
    return module


def find_kernel(api, module, source_path, name):
    jit_names = sorted(n for n, v in vars(module).items() if unwrap_jit(api, v) is not None)
    listing = ("its @triton.jit functions are: " + ", ".join(jit_names)) if jit_names \
        else "it has no @triton.jit functions"
    if not hasattr(module, name):
        raise Failure("not_found", "%s has no function %r; %s" % (source_path, name, listing),
                      source_path)
    obj = getattr(module, name)
    fn = unwrap_jit(api, obj)
    if fn is None:
        raise Failure("not_found", "%s in %s is not a @triton.jit function (it is of type %s); %s"
                      % (name, source_path, type(obj).__name__, listing), source_path)
    if fn is not obj:
        note("%s is wrapped (%s); its autotune configs and heuristics are not used, the card's "
             "values are" % (name, type(obj).__name__))
    return fn


# --------------------------------------------------------------------------------------------
# Binding the request to the kernel's signature

class DeviceBuffer:
    """Stands in for a tensor when asking Triton how it would specialise a buffer argument."""

    def __init__(self, dtype):
        self.dtype = dtype

    @staticmethod
    def data_ptr():
        return BUFFER_ADDRESS


def bind(api, backend, fn, req):
    """Build ASTSource's signature, constants and attributes the way the JIT's binder does.
    Returns (signature, constexprs, attrs, kept_args, expected PTX parameter sizes)."""
    file, line, _ = def_line(fn)
    params = list(fn.params)
    runtime = [p for p in params if not p.is_constexpr]
    declared = {p.name for p in params if p.is_constexpr}
    given = req["constexprs"]
    args = req["args"]
    option_names = set(backend.parse_options({}).__dict__)

    def fail(message):
        raise Failure("signature", "%s (%s:%s): %s" % (fn.__name__, file, line, message), file, line)

    if len(args) != len(runtime):
        fail("the kernel takes %d runtime parameters (%s); the card passes %d"
             % (len(runtime), ", ".join(p.name for p in runtime), len(args)))
    for name in given:
        if name not in declared:
            if any(p.name == name for p in runtime):
                fail("%s is a runtime parameter, not a tl.constexpr: pass it in the arguments" % name)
            hint = (' (%s is a launch option: pass it in "options")' % name
                    if name in option_names else "")
            fail("the kernel declares no tl.constexpr %s%s; its constexprs are: %s"
                 % (name, hint, ", ".join(p.name for p in params if p.is_constexpr) or "none"))
    missing = [p.name for p in params if p.is_constexpr and p.name not in given and not p.has_default]
    if missing:
        fail("no value for the tl.constexpr parameter%s %s" % ("s" if len(missing) > 1 else "",
                                                              ", ".join(missing)))

    signature, constexprs, attrs, kept, sizes = {}, {}, {}, [], []
    runtime_index = 0
    for i, p in enumerate(params):
        if p.is_constexpr:
            signature[p.name] = "constexpr"
            constexprs[(i,)] = given[p.name] if p.name in given else p.default
            continue
        arg = args[runtime_index]
        ty, attr = specialize_arg(api, backend, p, arg, fail)
        signature[p.name] = ty
        if ty == "constexpr":
            constexprs[(i,)] = arg["value"]  # folded: no longer a parameter of the kernel
        else:
            kept.append(runtime_index)
            sizes.append(8 if arg["kind"] == "ptr" else SCALAR_TYPES[arg["type"]][0])
            if isinstance(attr, str):
                attrs[(i,)] = backend.parse_attr(attr)
        runtime_index += 1
    return signature, constexprs, attrs, kept, sizes


def specialize_arg(api, backend, p, arg, fail):
    """(type, attribute) of one runtime argument, as the JIT computes it, with the card's type."""
    specialize = not p.do_not_specialize
    align = not p.do_not_specialize_on_alignment
    if arg["kind"] == "ptr":
        value = DeviceBuffer(api.tl.dtype(POINTER_DTYPES[arg["dtype"]]))
    elif arg["kind"] == "float":
        value = float(arg["value"])
    else:
        value = arg["value"]
    ty, attr = api.specialize(backend, value, p.is_const, specialize, align)

    annotated = p.annotation_type
    if annotated:
        # An annotated parameter keeps its annotated type and is never folded to a constant.
        if annotated == "u1" or annotated[:2] in ("fp", "bf"):
            specialize = False
        if arg["kind"] == "ptr":
            fits = annotated.startswith("*")
        else:
            fits = (scalar_class(annotated) == arg["kind"]
                    and scalar_bytes(annotated) == SCALAR_TYPES[arg["type"]][0])
        if not fits:
            fail("parameter %s is annotated %s but the card passes %s"
                 % (p.name, annotated, describe_arg(arg)))
        return annotated, (attr if specialize else None)
    if arg["kind"] == "ptr":
        expected = ("*k" if p.is_const else "*") + arg["dtype"]
        if ty != expected:
            fail("Triton %s typed the %s buffer %s as %s, not %s"
                 % (api.version, arg["dtype"], p.name, ty, expected))
        return ty, attr
    if ty == "constexpr":
        return ty, attr
    return arg["type"], attr  # the card's type, not the one Triton would pick from the value


def scalar_class(ty):
    return "float" if ty[:2] in ("fp", "bf") else "int" if ty[:1] in ("i", "u") else None


def scalar_bytes(ty):
    bits = re.search(r"(\d+)$", ty)
    return max(1, int(bits.group(1)) // 8) if bits else None


def describe_arg(arg):
    if arg["kind"] == "ptr":
        return "a %s buffer" % arg["dtype"]
    return "%s %s" % (arg["type"], arg["value"])


# --------------------------------------------------------------------------------------------
# Options

def parse_options(api, backend, fn, options):
    """Validate the launch options, refusing what the runner will not launch."""
    known = set(backend.parse_options({}).__dict__)
    unknown = sorted(set(options) - (known - {"arch"}))  # the request's "arch" is the target
    if unknown:
        raise Failure("bad_request", "unknown Triton option%s %s (Triton %s knows: %s)"
                      % ("s" if len(unknown) > 1 else "", ", ".join(unknown), api.version,
                         ", ".join(sorted(known))))
    refuse = []
    if options.get("num_ctas", 1) != 1:
        refuse.append("num_ctas=%s (thread-block clusters)" % options["num_ctas"])
    if options.get("launch_cooperative_grid"):
        refuse.append("launch_cooperative_grid (cooperative launch)")
    if options.get("launch_pdl"):
        refuse.append("launch_pdl (programmatic dependent launch)")
    if refuse:
        raise Failure("bad_request", "gemmscope does not launch Triton kernels with " + ", ".join(refuse))
    given, options = options, dict(options)
    # As the JIT does: the kernel's own debug flag (or TRITON_DEBUG), and the instrumentation knob.
    knobs = getattr(api.triton, "knobs", None)
    if "debug" not in options:
        options["debug"] = bool(getattr(fn, "debug", None)
                                or getattr(getattr(knobs, "runtime", None), "debug", False))
    mode = getattr(getattr(knobs, "compilation", None), "instrumentation_mode", None)
    if mode and "instrumentation_mode" in known:
        options.setdefault("instrumentation_mode", mode)
    try:
        backend.parse_options(dict(options))
    except Exception as e:  # e.g. num_warps not a power of 2
        raise Failure("bad_request", "invalid Triton options %s: %s"
                      % (json.dumps(given), str(e) or type(e).__name__))
    return options


# --------------------------------------------------------------------------------------------
# Compiling

class CapturedStderr:
    """Copies what native code writes to fd 2 during compilation into a file (MLIR diagnostics
    carry the user's file:line), then passes it on to the real stderr."""

    def __enter__(self):
        sys.stderr.flush()
        self.file = tempfile.TemporaryFile(mode="w+b")
        self.saved = os.dup(2)
        os.dup2(self.file.fileno(), 2)
        return self

    def __exit__(self, *exc):
        sys.stderr.flush()
        os.dup2(self.saved, 2)
        os.close(self.saved)
        self.file.seek(0)
        self.text = self.file.read().decode("utf-8", "replace")
        self.file.close()
        sys.stderr.write(self.text)
        sys.stderr.flush()
        return False


def compile_error(api, fn, exc, captured, source_path):
    """A "compile" failure naming the innermost place of the user's code that Triton rejected."""
    if isinstance(exc, PermissionError) or "Cannot find ptxas" in str(exc):
        bin_dir = os.path.join(api.location, "backends", "nvidia", "bin")
        return Failure("no_triton", "Triton cannot run ptxas (%s): the Triton install at %s is "
                       "broken (a wheel unpacked without execute permissions? then chmod +x %s/*), "
                       "or set TRITON_PTXAS_PATH to an executable ptxas; %s"
                       % (exc, api.location, bin_dir, SETUP_HINT))

    chain, e = [], exc
    while e is not None and len(chain) < 32:
        if isinstance(e, api.CompilationError):
            chain.append(e)
        e = e.__cause__
    if chain:
        sources = jit_sources(api, fn)
        places = []  # (file, line, col), outermost call first
        for err in chain:
            file, first, indent = sources.get(err.src, (None, None, 0))
            lineno = getattr(err.node, "lineno", None)
            if file and first and lineno:
                places.append((file, first + lineno - 1, indent + getattr(err.node, "col_offset", 0)))
        inner = chain[-1]
        # Triton often puts repr(original exception) in the message; name the original instead.
        cause = inner.__cause__ or inner.__context__
        if cause is not None and not isinstance(cause, api.CompilationError):
            message = "%s: %s" % (type(cause).__name__, cause)
        else:
            message = inner.error_message or type(inner).__name__
        message = message.strip()
        if not places:
            return Failure("compile", "Triton could not compile %s: %s" % (fn.__name__, inner))
        file, line, col = places[-1]
        lines = ["%s:%d:%d: %s" % (file, line, col + 1, message)]
        text = source_line(file, line).rstrip()
        if text:
            lead = len(text) - len(text.lstrip())
            lines += ["    " + text.lstrip(), "    " + " " * max(0, col - lead) + "^"]
        lines += ["  called from %s:%d" % (f, l) for f, l, _ in reversed(places[:-1])]
        return Failure("compile", "\n".join(lines), file, line)

    # A failure past the front end (MLIR passes, LLVM, ptxas): its diagnostics went to stderr.
    diag = re.search(r"^(%s):(\d+):(\d+): error: (.*)$" % re.escape(source_path), captured, re.MULTILINE)
    message = "%s: %s" % (type(exc).__name__, str(exc).strip() or "(no message)")
    if diag:
        line = int(diag.group(2))
        return Failure("compile", "%s:%d:%s: %s\n(%s)" % (source_path, line, diag.group(3),
                                                           diag.group(4), message), source_path, line)
    file, line = traceback_line(exc, source_path)
    if file != source_path:
        file, line = source_path, None
    return Failure("compile", "Triton could not compile %s: %s" % (fn.__name__, message), file, line)


def jit_sources(api, kernel):
    """src -> (file, def line, indent) of the kernel and of every @jit function reachable from its
    globals, so that an error inside a helper function points at the helper."""
    found, todo, seen = {}, [kernel], set()
    while todo:
        fn = todo.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        place = def_line(fn)
        if place[0]:
            found.setdefault(fn.src, place)
        for value in list(getattr(fn, "__globals__", {}).values()):
            candidates = [value]
            if inspect.ismodule(value) and not value.__name__.startswith("triton"):
                candidates = list(vars(value).values())
            todo += [v for v in candidates if isinstance(v, api.JITCallable) and hasattr(v, "src")]
    return found


def source_line(file, line):
    try:
        with open(file, encoding="utf-8", errors="replace") as f:
            for i, text in enumerate(f, 1):
                if i == line:
                    return text
    except OSError:
        pass
    return ""


PTX_ENTRY = re.compile(r"\.entry\s+([\w$]+)\s*\((.*?)\)", re.DOTALL)


def ptx_params(ptx, name, api):
    """Byte sizes of the PTX entry's parameters, to check the launch ABI against the request."""
    entries = {m.group(1): m.group(2) for m in PTX_ENTRY.finditer(ptx)}
    if name not in entries:
        raise Failure("compile", "Triton %s produced no PTX entry %r (entries: %s); this helper "
                      "supports Triton %s" % (api.version, name, ", ".join(entries) or "none",
                                              PINNED_TRITON))
    sizes = []
    for decl in filter(None, (d.strip() for d in entries[name].split(","))):
        ty = re.match(r"\.param\s+\.([a-z]+)(\d+)", decl)
        if not ty:
            raise Failure("compile", "cannot read the PTX parameter %r of %s" % (decl, name))
        sizes.append(int(ty.group(2)) // 8)
    return sizes


def compile_kernel(api, req):
    source_path = os.path.abspath(req["source_path"])
    module = load_module(source_path)
    fn = find_kernel(api, module, source_path, req["kernel"])
    target = api.GPUTarget("cuda", req["arch"], 32)
    try:
        backend = api.make_backend(target)
    except Exception as e:
        raise Failure("bad_request", "Triton %s cannot target cuda arch %s: %s"
                      % (api.version, req["arch"], e))
    options = parse_options(api, backend, fn, req["options"])
    signature, constexprs, attrs, kept, sizes = bind(api, backend, fn, req)

    capture = CapturedStderr()
    try:
        with capture:
            compiled = api.triton.compile(api.ASTSource(fn, signature, constexprs, attrs),
                                          target=target, options=options)
    except Exception as e:
        raise compile_error(api, fn, e, capture.text, source_path)

    md = compiled.metadata
    name = md.name
    num_ctas = getattr(md, "num_ctas", 1)
    cluster = list(getattr(md, "cluster_dims", None) or (num_ctas, 1, 1))
    coop = bool(getattr(md, "launch_cooperative_grid", False))
    pdl = bool(getattr(md, "launch_pdl", False))
    if num_ctas != 1 or cluster != [1, 1, 1] or coop or pdl:
        raise Failure("compile", "%s compiled to a kernel gemmscope does not launch (num_ctas=%s, "
                      "cluster_dims=%s, cooperative=%s, pdl=%s)" % (name, num_ctas, cluster, coop, pdl))
    if getattr(md, "tensordesc_meta", None):
        raise Failure("compile", "%s takes host-side tensor descriptors, which gemmscope does not "
                      "pass" % name)
    if getattr(md.target, "arch", req["arch"]) != req["arch"]:
        raise Failure("compile", "Triton compiled for arch %s, not the requested %s"
                      % (md.target.arch, req["arch"]))

    # Triton 3.6's launcher appends these pointers after the visible arguments; an older Triton
    # has no profile scratch. The PTX check below catches any other difference.
    hidden = ["global_scratch"] + (["profile_scratch"] if hasattr(md, "profile_scratch_size") else [])
    if "ptx" not in compiled.asm:
        raise Failure("compile", "Triton kept no PTX for %s, so its parameters cannot be checked" % name)
    ptx_sizes = ptx_params(compiled.asm["ptx"], name, api)
    expected = sizes + [8] * len(hidden)
    if ptx_sizes != expected:
        raise Failure("compile", "the PTX entry %s has %d parameters of %s bytes, but the launch "
                      "would pass %d of %s bytes (%d visible, then %s): Triton %s's launch ABI is "
                      "not the one this helper knows (pinned: %s)"
                      % (name, len(ptx_sizes), ptx_sizes, len(expected), expected, len(sizes),
                         ", ".join(hidden), api.version, PINNED_TRITON))
    threads = re.search(r"\.(?:reqntid|maxntid)\s+(\d+)", compiled.asm["ptx"])
    if threads and int(threads.group(1)) != 32 * md.num_warps:
        raise Failure("compile", "%s needs %s threads per block, not 32 x num_warps = %d"
                      % (name, threads.group(1), 32 * md.num_warps))

    cubin = compiled.asm.get("cubin")
    if not isinstance(cubin, (bytes, bytearray)) or not cubin.startswith(b"\x7fELF"):
        raise Failure("compile", "Triton produced no cubin (ELF) for %s" % name)
    write_file(req["cubin_out"], cubin)

    return {
        "ok": True,
        "name": name,
        "triton_version": api.version,
        "num_warps": md.num_warps,
        "num_ctas": num_ctas,
        "shared": md.shared or 0,
        "cluster_dims": cluster,
        "global_scratch_size": getattr(md, "global_scratch_size", 0) or 0,
        "global_scratch_align": getattr(md, "global_scratch_align", 1) or 1,
        "profile_scratch_size": getattr(md, "profile_scratch_size", 0) or 0,
        "profile_scratch_align": getattr(md, "profile_scratch_align", 1) or 1,
        "launch_cooperative_grid": coop,
        "launch_pdl": pdl,
        "kept_args": kept,
        "hidden_args": hidden,
        "param_count": len(ptx_sizes),
        "cubin_bytes": len(cubin),
    }


def write_file(path, data):
    """Write via a temporary file so the runner never reads half a cubin."""
    path = os.path.abspath(path)
    tmp = None
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".cubin.", dir=os.path.dirname(path))
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as e:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
        raise Failure("bad_request", "cannot write the cubin to %s: %s" % (path, e), path)


# --------------------------------------------------------------------------------------------

def main():
    # Keep fd 1 for the reply alone: from here on, prints (Python's or native code's) reach stderr.
    reply_out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    for key, why in IGNORED_ENV.items():
        if os.environ.pop(key, None) is not None:
            note("ignoring %s: %s" % (key, why))
    try:
        req = parse_request(sys.stdin.buffer.read().decode("utf-8", "replace"))
        reply = compile_kernel(TritonApi(), req)
    except Failure as f:
        reply = f.reply()
    sys.stdout.flush()
    reply_out.write(json.dumps(reply) + "\n")
    reply_out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
