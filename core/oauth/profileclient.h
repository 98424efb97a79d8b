#pragma once

#include "core/common/providercatalogue.h"
#include "core/common/result.h"
#include "core/oauth/replytracker.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QUrl>

#include <chrono>
#include <functional>

class QJsonValue;
class QNetworkAccessManager;

namespace EasyCrm::OAuth {

// The identity at the provider, read from its profile endpoint.
struct Profile
{
    QString id;
    QString handle;
    QString displayName;
};

// Reads the profile with the access token as a Bearer credential (RFC 6750 §2.1) and maps it
// with the catalogue's dotted paths ("data.user.open_id"; a numeric segment indexes an
// array). Numeric ids come back as their decimal text. Errors: HttpError, Timeout,
// NetworkError, MalformedResponse, ProfileMissingId. Callbacks as for TokenClient: exactly
// once, from the event loop, never after destruction.
class ProfileClient final : public QObject
{
    Q_OBJECT

public:
    using Callback = std::function<void(Result<Profile>)>;

    static constexpr std::chrono::milliseconds kDefaultTimeout{15000};

    explicit ProfileClient(QNetworkAccessManager *nam, QObject *parent = nullptr);
    ~ProfileClient() override;

    void setTimeout(std::chrono::milliseconds timeout);

    void fetch(const QUrl &endpoint, const ProfileMapping &mapping, const QByteArray &accessToken,
               Callback done);

    // The value at a dotted path as text: strings as they are, numbers as decimal text, empty
    // for anything else or a missing path.
    [[nodiscard]] static QString valueAt(const QJsonValue &root, const QString &path);

private:
    QNetworkAccessManager *m_nam;
    std::chrono::milliseconds m_timeout = kDefaultTimeout;
    ReplyTracker m_replies;
};

} // namespace EasyCrm::OAuth
