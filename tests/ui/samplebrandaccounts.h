#pragma once

#include "core/service/providerstatus.h"
#include "tests/ui/samplestatuses.h"

#include <QList>

namespace EasyCrm::Testing {

// Stable ids, so a test names the row it means.
inline QUuid sampleId(int n)
{
    return QUuid(QStringLiteral("00000000-0000-4000-8000-%1").arg(n, 12, 10, QLatin1Char('0')));
}

inline BrandAccountStatus sampleBrand(int n, const char *name, const char *providerKey,
                                      const char *providerName, ConnectionState state)
{
    BrandAccountStatus status;
    status.brandAccountId = sampleId(n);
    status.name = QString::fromUtf8(name);
    status.providerKey = QString::fromLatin1(providerKey);
    status.providerName = QString::fromUtf8(providerName);
    status.connectionId = sampleId(100 + n);
    status.state = state;
    return status;
}

// A tenant's brand accounts in every state: connected (synced now, hours ago), re-auth needed
// with the scheduler's reason, and disconnected.
inline QList<BrandAccountStatus> sampleBrandStatuses()
{
    using S = ConnectionState;
    BrandAccountStatus acme = sampleBrand(1, "Acme", "sandbox", "Sandbox", S::Connected);
    acme.externalHandle = QStringLiteral("acme");
    acme.lastSyncUtc = sampleNow();
    BrandAccountStatus support =
        sampleBrand(2, "Acme Support", "linkedin", "LinkedIn", S::RequiresReauth);
    support.externalHandle = QStringLiteral("acme-support");
    support.statusReason = QStringLiteral("RefreshTokenRejected");
    BrandAccountStatus jobs = sampleBrand(3, "Acme Jobs", "x", "X", S::NotConnected);
    jobs.statusReason = QStringLiteral("Disconnected");
    BrandAccountStatus studio =
        sampleBrand(4, "Acme Studio", "instagram", "Instagram", S::Connected);
    studio.externalHandle = QStringLiteral("@acme.studio");
    studio.lastSyncUtc = sampleNow().addSecs(-3 * 3600);
    return {acme, support, jobs, studio};
}

} // namespace EasyCrm::Testing
