#pragma once

#include "core/service/providerstatus.h"

#include <QList>

namespace EasyCrm::Testing {

// The reference moment of the gui tests.
inline QDateTime sampleNow()
{
    return QDateTime(QDate(2024, 5, 6), QTime(10, 0), Qt::UTC);
}

inline ProviderStatus sampleStatus(const char *key, const char *name, ConnectionState state,
                                   bool configured = true)
{
    ProviderStatus status;
    status.providerKey = QString::fromLatin1(key);
    status.providerName = QString::fromUtf8(name);
    status.state = state;
    status.configured = configured;
    return status;
}

// A page that shows every state: connected (synced now, hours ago, never), re-auth needed
// with the reason, not connected, and providers the admin has not configured.
inline QList<ProviderStatus> sampleStatuses()
{
    using S = ConnectionState;
    ProviderStatus sandbox = sampleStatus("sandbox", "Sandbox", S::Connected);
    sandbox.externalHandle = QStringLiteral("alice");
    sandbox.lastSyncUtc = sampleNow();
    ProviderStatus linkedin = sampleStatus("linkedin", "LinkedIn", S::RequiresReauth);
    linkedin.externalHandle = QStringLiteral("acme-corp");
    linkedin.statusReason = QStringLiteral("LinkedIn no longer accepts the stored refresh token.");
    ProviderStatus instagram = sampleStatus("instagram", "Instagram", S::Connected);
    instagram.externalHandle = QStringLiteral("@acme.studio");
    instagram.lastSyncUtc = sampleNow().addSecs(-3 * 3600);
    ProviderStatus mastodon = sampleStatus("mastodon", "Mastodon", S::Connected);
    mastodon.externalHandle = QStringLiteral("@acme@mastodon.social");
    return {sandbox,
            linkedin,
            sampleStatus("x", "X", S::NotConnected, false),
            sampleStatus("facebook", "Facebook", S::NotConnected),
            instagram,
            sampleStatus("youtube", "YouTube", S::NotConnected),
            sampleStatus("tiktok", "TikTok", S::NotConnected, false),
            mastodon};
}

} // namespace EasyCrm::Testing
