// CardFamily: a kernel card as a KernelFamily. Its parameter table, rules (the card's layouts and
// restrictions, expressions that must evaluate), launch plan (grid, block, shared memory and the
// argument list from the card's expressions), defines and precision all come from the card.
#pragma once
#include <memory>

#include "model/kernel_card.h"
#include "model/kernel_family.h"

namespace gemmscope {

FamilyPtr make_card_family(std::shared_ptr<const KernelCard>);
// Reads the card at `path` and registers its family (a newer version replaces the older one).
// Throws CardError.
FamilyPtr load_card_family(const std::string& path);
// The version (hash of card and source) of the card a config's family was read from; "" for a
// built-in family.
std::string card_hash_of(const KernelConfig&);

}  // namespace gemmscope
