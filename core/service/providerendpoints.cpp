#include "core/service/providerendpoints.h"

namespace EasyCrm {

ProviderEndpoints overridesOf(const Db::ProviderConfig &row)
{
    return {row.authorizeEndpoint, row.tokenEndpoint, row.revocationEndpoint, row.profileEndpoint,
            row.issuer};
}

ProviderDescriptor withOverrides(ProviderDescriptor provider, const ProviderEndpoints &overrides)
{
    const auto apply = [](QUrl &target, const QString &value) {
        if (!value.isEmpty())
            target = QUrl(value, QUrl::StrictMode);
    };
    apply(provider.authorizeEndpoint, overrides.authorize);
    apply(provider.tokenEndpoint, overrides.token);
    apply(provider.revocationEndpoint, overrides.revocation);
    apply(provider.profileEndpoint, overrides.profile);
    if (!overrides.issuer.isEmpty())
        provider.issuer = overrides.issuer;
    return provider;
}

} // namespace EasyCrm
