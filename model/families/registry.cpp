// The one list of kernel families. A new family adds its factory here and its file to CMake.
#include "model/kernel_family.h"

#include <mutex>

namespace gemmscope {

std::shared_ptr<const KernelFamily> make_seed_tall_skinny_family();
std::shared_ptr<const KernelFamily> make_seed_tiled_family();
std::shared_ptr<const KernelFamily> make_splitk_family();
std::shared_ptr<const KernelFamily> make_cublas_family();
std::shared_ptr<const KernelFamily> make_store_bound_family();
std::shared_ptr<const KernelFamily> make_simt_splitk_family();
std::shared_ptr<const KernelFamily> make_tc_splitk_family();
std::shared_ptr<const KernelFamily> make_tc_store_bound_family();
std::shared_ptr<const KernelFamily> make_wgmma_splitk_family();
std::shared_ptr<const KernelFamily> make_wgmma_store_bound_family();

const std::vector<FamilyPtr>& families() {
  static const std::vector<FamilyPtr> list = {
      make_seed_tall_skinny_family(), make_seed_tiled_family(), make_splitk_family(),        make_cublas_family(),
      make_store_bound_family(),      make_simt_splitk_family(), make_tc_splitk_family(), make_tc_store_bound_family(),
      make_wgmma_splitk_family(),     make_wgmma_store_bound_family(),
  };
  return list;
}

namespace {
struct Loaded {
  std::mutex mu;
  std::vector<FamilyPtr> list;
};
Loaded& loaded() {
  static Loaded l;
  return l;
}
}  // namespace

void register_family(FamilyPtr f) {
  Loaded& l = loaded();
  std::lock_guard lock(l.mu);
  for (auto& g : l.list)
    if (g->name() == f->name()) {
      g = std::move(f);
      return;
    }
  l.list.push_back(std::move(f));
}

std::vector<FamilyPtr> all_families() {
  std::vector<FamilyPtr> v = families();
  Loaded& l = loaded();
  std::lock_guard lock(l.mu);
  v.insert(v.end(), l.list.begin(), l.list.end());
  return v;
}

}  // namespace gemmscope
