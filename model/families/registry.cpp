// The one list of kernel families. A new family adds its factory here and its file to CMake.
#include "model/kernel_family.h"

namespace gemmscope {

std::shared_ptr<const KernelFamily> make_seed_tall_skinny_family();
std::shared_ptr<const KernelFamily> make_seed_tiled_family();
std::shared_ptr<const KernelFamily> make_splitk_family();
std::shared_ptr<const KernelFamily> make_cublas_family();
std::shared_ptr<const KernelFamily> make_store_bound_family();
std::shared_ptr<const KernelFamily> make_simt_splitk_family();
std::shared_ptr<const KernelFamily> make_tc_splitk_family();
std::shared_ptr<const KernelFamily> make_tc_store_bound_family();

const std::vector<FamilyPtr>& families() {
  static const std::vector<FamilyPtr> list = {
      make_seed_tall_skinny_family(), make_seed_tiled_family(), make_splitk_family(),        make_cublas_family(),
      make_store_bound_family(),      make_simt_splitk_family(), make_tc_splitk_family(), make_tc_store_bound_family(),
  };
  return list;
}

}  // namespace gemmscope
