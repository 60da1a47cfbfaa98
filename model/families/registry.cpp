// The one list of kernel families. A new family adds its factory here and its file to CMake.
#include "model/kernel_family.h"

namespace gemmscope {

std::unique_ptr<KernelFamily> make_seed_tall_skinny_family();
std::unique_ptr<KernelFamily> make_seed_tiled_family();
std::unique_ptr<KernelFamily> make_splitk_family();
std::unique_ptr<KernelFamily> make_cublas_family();
std::unique_ptr<KernelFamily> make_store_bound_family();
std::unique_ptr<KernelFamily> make_simt_splitk_family();
std::unique_ptr<KernelFamily> make_tc_splitk_family();
std::unique_ptr<KernelFamily> make_tc_store_bound_family();

const std::vector<std::unique_ptr<KernelFamily>>& families() {
  static const std::vector<std::unique_ptr<KernelFamily>> list = [] {
    std::vector<std::unique_ptr<KernelFamily>> v;
    v.push_back(make_seed_tall_skinny_family());
    v.push_back(make_seed_tiled_family());
    v.push_back(make_splitk_family());
    v.push_back(make_cublas_family());
    v.push_back(make_store_bound_family());
    v.push_back(make_simt_splitk_family());
    v.push_back(make_tc_splitk_family());
    v.push_back(make_tc_store_bound_family());
    return v;
  }();
  return list;
}

}  // namespace gemmscope
