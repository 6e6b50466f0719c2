# -*- Python -*-
import os

import lit.formats
from lit.llvm import llvm_config

config.name = "LiteFlow"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test", ".c"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.lf_obj_root, "test", "lit")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%lf_src", config.lf_src_root))
config.substitutions.append(("%python", config.host_python))
llvm_config.with_system_environment(["HOME", "TMPDIR"])
llvm_config.use_default_substitutions()

tool_dirs = [config.lf_tools_dir, config.llvm_tools_dir]
tools = ["lf-opt", "lf-translate", "lfc", "lfctl"]
llvm_config.add_tool_substitutions(
    [t for t in tools if os.path.exists(os.path.join(config.lf_tools_dir, t))],
    tool_dirs)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.lf_tools_dir, append_path=True)
