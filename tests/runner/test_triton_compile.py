#!/usr/bin/env python3
"""Tests of runner/triton_compile.py, the helper that compiles a Triton card's kernel to a cubin.

Each test writes a small kernel module to a temporary folder and runs the helper as the C++
runner does: `python3 runner/triton_compile.py`, one JSON request on stdin, one JSON reply on
stdout. No GPU is needed (Triton compiles for a target, not a device).

Run from the repository root, with Triton on PYTHONPATH:
    PYTHONPATH=build/deps/python python3 -m unittest tests/runner/test_triton_compile.py
    PYTHONPATH=/path/to/triton/site python3 tests/runner/test_triton_compile.py -v
Without an importable Triton the compiling tests are skipped (the "no Triton" reply is still
checked). Triton's kernel cache goes to a temporary folder, so every run really compiles.
"""

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HELPER = os.path.join("runner", "triton_compile.py")

try:
    import triton
    TRITON_ERROR = None
except Exception as e:  # noqa: BLE001 - any failure means "no usable Triton"
    triton = None
    TRITON_ERROR = "%s: %s" % (type(e).__name__, e)

needs_triton = unittest.skipIf(
    triton is None, "Triton does not import (%s); put it on PYTHONPATH (./setup.sh installs it "
    "into build/deps/python)" % TRITON_ERROR)

GEMM = '''
import triton
import triton.language as tl

print("a module that prints while importing")  # must not reach the helper's stdout


@triton.jit
def gemm_tile(a_ptr, b_ptr, c_ptr, M, N, K,
              stride_am, stride_ak, stride_bk, stride_bn, stride_cm, stride_cn,
              BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr,
              INPUT_PRECISION: tl.constexpr):
    rm = tl.program_id(0) * BLOCK_M + tl.arange(0, BLOCK_M)
    rn = tl.program_id(1) * BLOCK_N + tl.arange(0, BLOCK_N)
    rk = tl.arange(0, BLOCK_K)
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k in range(0, K, BLOCK_K):
        a = tl.load(a_ptr + rm[:, None] * stride_am + (k + rk)[None, :] * stride_ak,
                    mask=(rm[:, None] < M) & ((k + rk)[None, :] < K), other=0.0)
        b = tl.load(b_ptr + (k + rk)[:, None] * stride_bk + rn[None, :] * stride_bn,
                    mask=((k + rk)[:, None] < K) & (rn[None, :] < N), other=0.0)
        acc += tl.dot(a, b, input_precision=INPUT_PRECISION)
    tl.store(c_ptr + rm[:, None] * stride_cm + rn[None, :] * stride_cn, acc,
             mask=(rm[:, None] < M) & (rn[None, :] < N))


NOT_A_KERNEL = 42
'''

SCALE = '''
import triton
import triton.language as tl


@triton.jit
def scale(x_ptr, y_ptr, n, alpha, stride, BLOCK: tl.constexpr, ROUNDS: tl.constexpr = 1):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs * stride, mask=offs < n)
    for _ in tl.static_range(ROUNDS):
        x = x * alpha
    tl.store(y_ptr + offs, x, mask=offs < n)


@triton.jit(do_not_specialize=["stride"])
def scale_dns(x_ptr, y_ptr, n, alpha, stride, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs * stride, mask=offs < n)
    tl.store(y_ptr + offs, x * alpha, mask=offs < n)


@triton.jit
def copy_desc(x_ptr, y_ptr, M, N, BM: tl.constexpr, BN: tl.constexpr):
    # on-device TMA descriptors live in Triton's global scratch memory on sm_90
    xd = tl.make_tensor_descriptor(x_ptr, shape=[M, N], strides=[N, 1], block_shape=[BM, BN])
    yd = tl.make_tensor_descriptor(y_ptr, shape=[M, N], strides=[N, 1], block_shape=[BM, BN])
    yd.store([tl.program_id(0) * BM, 0], xd.load([tl.program_id(0) * BM, 0]))
'''

BAD_OP = '''
import triton
import triton.language as tl


@triton.jit
def helper(x):
    return tl.no_such_op(x)  # HELPER-BAD


@triton.jit
def direct(x_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < n)
    tl.store(x_ptr + offs, tl.no_such_op(x), mask=offs < n)  # DIRECT-BAD


@triton.jit
def via_helper(x_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < n)
    tl.store(x_ptr + offs, helper(x), mask=offs < n)  # CALL-SITE
'''

SYNTAX_ERROR = '''
import triton
import triton.language as tl


@triton.jit
def broken(x_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK
    tl.store(x_ptr + offs, 0.0)  # SYNTAX-BAD
'''

MISSING_IMPORT = '''
import triton
import not_a_module_gemmscope_has  # IMPORT-BAD
'''


def ptr(dtype="fp32"):
    return {"kind": "ptr", "dtype": dtype}


def i32(value):
    return {"kind": "int", "type": "i32", "value": value}


def i64(value):
    return {"kind": "int", "type": "i64", "value": value}


def f32(value):
    return {"kind": "float", "type": "fp32", "value": value}


def line_of(source, marker):
    """The 1-based line of `marker` in a module written by write_module (which dedents)."""
    for number, text in enumerate(textwrap.dedent(source).splitlines(), 1):
        if marker in text:
            return number
    raise AssertionError("marker %r not in the source" % marker)


_env = None


def helper_env():
    """The environment the helper runs in: this one, with a private Triton cache and, when the
    installed Triton's bundled ptxas lost its execute bit (a wheel unpacked with unzip), an
    executable copy of it."""
    global _env
    if _env is None:
        folder = tempfile.mkdtemp(prefix="gemmscope_triton_env_")
        _env = dict(os.environ, TRITON_CACHE_DIR=os.path.join(folder, "cache"))
        if triton is not None and "TRITON_PTXAS_PATH" not in os.environ:
            bundled = os.path.join(os.path.dirname(triton.__file__), "backends", "nvidia", "bin", "ptxas")
            if os.path.isfile(bundled) and not os.access(bundled, os.X_OK):
                copy = os.path.join(folder, "ptxas")
                shutil.copy(bundled, copy)
                os.chmod(copy, os.stat(copy).st_mode | stat.S_IXUSR)
                _env["TRITON_PTXAS_PATH"] = copy
                sys.stderr.write("note: %s is not executable; the tests use a copy\n" % bundled)
        unittest.addModuleCleanup(shutil.rmtree, folder, ignore_errors=True)
    return _env


class HelperTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="gemmscope_triton_test_")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)

    def write_module(self, name, source):
        path = os.path.join(self.dir, name + ".py")
        with open(path, "w") as f:
            f.write(textwrap.dedent(source))
        return path

    def run_helper(self, request, env=None):
        """Run the helper exactly as the runner does; return the reply, checking the protocol."""
        text = request if isinstance(request, str) else json.dumps(request)
        proc = subprocess.run([sys.executable, HELPER], input=text, capture_output=True, text=True,
                              cwd=REPO, env=env or helper_env(), timeout=300)
        self.assertEqual(proc.returncode, 0, "the helper failed:\n" + proc.stderr)
        try:
            reply = json.loads(proc.stdout)  # the whole of stdout is the one reply
        except ValueError:
            self.fail("stdout is not one JSON object:\n%r\nstderr:\n%s" % (proc.stdout, proc.stderr))
        self.assertIsInstance(reply, dict)
        self.stderr = proc.stderr
        return reply

    def request(self, path, kernel, args, constexprs=None, options=None, arch=90):
        return {"source_path": path, "kernel": kernel, "arch": arch,
                "constexprs": constexprs or {}, "options": options or {"num_warps": 4},
                "args": args, "cubin_out": os.path.join(self.dir, "out", kernel + ".cubin")}

    def assert_ok(self, request):
        reply = self.run_helper(request)
        self.assertTrue(reply.get("ok"), "compile failed: %s\n%s" % (reply, self.stderr))
        with open(request["cubin_out"], "rb") as f:
            cubin = f.read()
        self.assertTrue(cubin.startswith(b"\x7fELF"))
        self.assertEqual(reply["cubin_bytes"], len(cubin))
        self.assertEqual(reply["name"], request["kernel"])
        self.assertEqual(reply["triton_version"], triton.__version__)
        self.assertEqual(reply["num_warps"], request["options"].get("num_warps", 4))
        self.assertEqual(reply["num_ctas"], 1)
        self.assertEqual(reply["cluster_dims"], [1, 1, 1])
        self.assertIs(reply["launch_cooperative_grid"], False)
        self.assertIs(reply["launch_pdl"], False)
        for key in ("shared", "global_scratch_size", "profile_scratch_size"):
            self.assertIsInstance(reply[key], int)
            self.assertGreaterEqual(reply[key], 0)
        for key in ("global_scratch_align", "profile_scratch_align"):
            self.assertGreaterEqual(reply[key], 1)
        kept = reply["kept_args"]
        self.assertEqual(kept, sorted(set(kept)))
        self.assertTrue(all(0 <= i < len(request["args"]) for i in kept))
        self.assertEqual(reply["param_count"], len(kept) + len(reply["hidden_args"]))
        if triton.__version__.startswith("3.6."):
            self.assertEqual(reply["hidden_args"], ["global_scratch", "profile_scratch"])
        return reply

    def assert_failure(self, request, kind, *phrases, env=None):
        reply = self.run_helper(request, env)
        self.assertIs(reply.get("ok"), False, reply)
        self.assertEqual(reply.get("kind"), kind, reply)
        for phrase in phrases:
            self.assertIn(phrase, reply["error"])
        return reply


def gemm_args(M=256, N=256, K=128):
    # row-major A, B, C: the unit strides are 1 and become constants
    return [ptr(), ptr(), ptr(), i32(M), i32(N), i32(K),
            i32(K), i32(1), i32(N), i32(1), i32(N), i32(1)]


GEMM_CONSTEXPRS = {"BLOCK_M": 64, "BLOCK_N": 64, "BLOCK_K": 32, "INPUT_PRECISION": "ieee"}


@needs_triton
class CompileTest(HelperTest):

    def compile_gemm(self, arch, constexprs=GEMM_CONSTEXPRS, options=None):
        path = self.write_module("gemm", GEMM)
        request = self.request(path, "gemm_tile", gemm_args(), constexprs,
                               options or {"num_warps": 4, "num_stages": 2}, arch)
        reply = self.assert_ok(request)
        self.assertEqual(reply["kept_args"], [0, 1, 2, 3, 4, 5, 6, 8, 10])
        self.assertGreater(reply["shared"], 0)  # tl.dot stages its tiles through shared memory
        self.assertIn("a module that prints", self.stderr)
        return reply

    def test_gemm_tile_sm89(self):
        self.compile_gemm(89)

    def test_gemm_tile_sm90(self):
        self.compile_gemm(90)

    def test_gemm_tile_over_48k_of_shared_memory(self):
        reply = self.compile_gemm(90, dict(GEMM_CONSTEXPRS, BLOCK_M=128, BLOCK_N=128, BLOCK_K=64),
                                  {"num_warps": 8, "num_stages": 3})
        self.assertGreater(reply["shared"], 48 * 1024)
        self.assertEqual(reply["num_warps"], 8)

    def test_int_one_is_dropped_and_do_not_specialize_honoured(self):
        path = self.write_module("scale", SCALE)
        args = [ptr(), ptr(), i32(17), f32(1.0), i32(1)]
        reply = self.assert_ok(self.request(path, "scale", args, {"BLOCK": 128}))
        self.assertEqual(reply["kept_args"], [0, 1, 2, 3])  # stride == 1 became a constant
        # the same value under do_not_specialize stays a parameter
        reply = self.assert_ok(self.request(path, "scale_dns", args, {"BLOCK": 128}))
        self.assertEqual(reply["kept_args"], [0, 1, 2, 3, 4])
        # an i64 scalar (8 bytes in the PTX entry, checked by the helper) and n == 1 dropped too
        args = [ptr(), ptr(), i64(1), f32(2.0), i64(2 ** 33)]
        reply = self.assert_ok(self.request(path, "scale", args, {"BLOCK": 64, "ROUNDS": 2}))
        self.assertEqual(reply["kept_args"], [0, 1, 3, 4])

    def test_global_scratch_is_reported(self):
        path = self.write_module("scale", SCALE)
        args = [ptr(), ptr(), i32(256), i32(64)]
        reply = self.assert_ok(self.request(path, "copy_desc", args, {"BM": 64, "BN": 64}, arch=90))
        self.assertGreater(reply["global_scratch_size"], 0)
        self.assertGreater(reply["global_scratch_align"], 1)


@needs_triton
class FailureTest(HelperTest):

    def test_syntax_error(self):
        path = self.write_module("broken", SYNTAX_ERROR)
        reply = self.assert_failure(self.request(path, "broken", [ptr(), i32(4)], {"BLOCK": 16}),
                                    "import", "SyntaxError", path)
        self.assertEqual(reply["file"], path)
        # Python reports an unclosed bracket at the bracket or at the line after it
        self.assertIn(reply["line"], (line_of(SYNTAX_ERROR, "tl.arange(0, BLOCK"),
                                      line_of(SYNTAX_ERROR, "SYNTAX-BAD")))

    def test_missing_module(self):
        path = self.write_module("needs_more", MISSING_IMPORT)
        reply = self.assert_failure(self.request(path, "k", []), "import",
                                    "not_a_module_gemmscope_has")
        self.assertEqual(reply["file"], path)
        self.assertEqual(reply["line"], line_of(MISSING_IMPORT, "IMPORT-BAD"))

    def test_missing_source_file(self):
        path = os.path.join(self.dir, "nowhere.py")
        self.assert_failure(self.request(path, "k", []), "import", "no such file", path)

    def test_bad_tl_op_in_the_kernel(self):
        path = self.write_module("bad_op", BAD_OP)
        reply = self.assert_failure(self.request(path, "direct", [ptr(), i32(100)], {"BLOCK": 128}),
                                    "compile", "no_such_op")
        self.assertEqual(reply["file"], path)
        self.assertEqual(reply["line"], line_of(BAD_OP, "DIRECT-BAD"))

    def test_bad_tl_op_in_a_called_function(self):
        path = self.write_module("bad_op", BAD_OP)
        reply = self.assert_failure(self.request(path, "via_helper", [ptr(), i32(100)], {"BLOCK": 128}),
                                    "compile", "no_such_op",
                                    "called from %s:%d" % (path, line_of(BAD_OP, "CALL-SITE")))
        self.assertEqual(reply["line"], line_of(BAD_OP, "HELPER-BAD"))

    def test_wrong_argument_count(self):
        path = self.write_module("gemm", GEMM)
        reply = self.assert_failure(
            self.request(path, "gemm_tile", gemm_args()[:-1], GEMM_CONSTEXPRS), "signature",
            "the kernel takes 12 runtime parameters (a_ptr, b_ptr, c_ptr, M, N, K,", "passes 11")
        self.assertEqual(reply["line"], line_of(GEMM, "def gemm_tile"))

    def test_unknown_constexpr(self):
        path = self.write_module("gemm", GEMM)
        self.assert_failure(self.request(path, "gemm_tile", gemm_args(),
                                         dict(GEMM_CONSTEXPRS, SPLIT_K=2)),
                            "signature", "SPLIT_K", "BLOCK_M, BLOCK_N, BLOCK_K, INPUT_PRECISION")

    def test_constexpr_without_a_value(self):
        path = self.write_module("gemm", GEMM)
        constexprs = dict(GEMM_CONSTEXPRS)
        del constexprs["BLOCK_K"]
        self.assert_failure(self.request(path, "gemm_tile", gemm_args(), constexprs),
                            "signature", "BLOCK_K")

    def test_runtime_parameter_given_as_constexpr(self):
        path = self.write_module("gemm", GEMM)
        self.assert_failure(self.request(path, "gemm_tile", gemm_args(), dict(GEMM_CONSTEXPRS, M=4)),
                            "signature", "M is a runtime parameter")

    def test_missing_function(self):
        path = self.write_module("gemm", GEMM)
        reply = self.assert_failure(self.request(path, "gemm_tiles", gemm_args(), GEMM_CONSTEXPRS),
                                    "not_found", "gemm_tiles", "gemm_tile")
        self.assertEqual(reply["file"], path)
        self.assert_failure(self.request(path, "NOT_A_KERNEL", gemm_args(), GEMM_CONSTEXPRS),
                            "not_found", "not a @triton.jit function", "gemm_tile")

    def test_refused_requests(self):
        path = self.write_module("gemm", GEMM)
        for options, phrase in (({"num_ctas": 2}, "num_ctas"),
                                ({"launch_pdl": True}, "launch_pdl"),
                                ({"launch_cooperative_grid": True}, "cooperative"),
                                ({"num_warp": 4}, "unknown Triton option num_warp"),
                                ({"num_warps": 3}, "power of 2")):
            with self.subTest(options=options):
                self.assert_failure(self.request(path, "gemm_tile", gemm_args(), GEMM_CONSTEXPRS, options),
                                    "bad_request", phrase)
        args = gemm_args()
        args[3] = i32(2 ** 31)
        self.assert_failure(self.request(path, "gemm_tile", args, GEMM_CONSTEXPRS), "bad_request",
                            "args[3]", "does not fit in i32")
        self.assert_failure("not json", "bad_request", "not JSON")
        self.assert_failure('{"kernel": "k"}', "bad_request", "source_path")


class NoTritonTest(HelperTest):

    def test_no_triton(self):
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env["PYTHONPATH"] = self.dir  # a folder without triton
        probe = subprocess.run([sys.executable, "-c", "import triton"], env=env, capture_output=True)
        if probe.returncode == 0:
            self.skipTest("triton is importable without PYTHONPATH, so its absence cannot be tested")
        path = self.write_module("gemm", GEMM)
        self.assert_failure(self.request(path, "gemm_tile", gemm_args(), GEMM_CONSTEXPRS),
                            "no_triton", "./setup.sh", "build/deps/python", "PYTHONPATH", env=env)


if __name__ == "__main__":
    unittest.main()
