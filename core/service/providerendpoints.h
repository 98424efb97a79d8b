#pragma once

#include "core/common/providercatalogue.h"
#include "core/db/entities.h"
#include "core/service/providersettings.h"

namespace EasyCrm {

// The endpoint overrides an admin's configuration row names (empty: the catalogue's).
[[nodiscard]] ProviderEndpoints overridesOf(const Db::ProviderConfig &row);

// The catalogue's provider with the admin's overrides where they name one.
[[nodiscard]] ProviderDescriptor withOverrides(ProviderDescriptor provider,
                                               const ProviderEndpoints &overrides);

} // namespace EasyCrm
