#pragma once

#include "core/common/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QNetworkRequest>
#include <QString>
#include <QUrl>

#include <chrono>

class QNetworkReply;

namespace EasyCrm::OAuth {

// Removes what must never reach a log or an Error: the secrets of one exchange, and any long
// token-shaped run a provider might echo back in an error description.
class Redactor
{
public:
    void add(const QByteArray &secret);
    [[nodiscard]] QString apply(QString text) const;

private:
    QList<QByteArray> m_secrets;
};

// A request for a JSON API of a provider: JSON accepted, no redirects followed (a 307 would
// re-send the body, secrets included, elsewhere), no cookies, no cache, a transfer timeout.
[[nodiscard]] QNetworkRequest jsonRequest(const QUrl &url, std::chrono::milliseconds timeout);

// RFC 6749 §3.2 / §10.3: secrets go over TLS; plain HTTP only to this computer (the sandbox).
[[nodiscard]] Result<void> checkEndpoint(const QUrl &url, const QString &stage);

// The reply as a JSON object, or the typed failure: Timeout, NetworkError, HttpError (with
// httpStatus and providerError), MalformedResponse. `stage` names the exchange in details.
[[nodiscard]] Result<QJsonObject> readJsonObject(QNetworkReply *reply, const QString &stage,
                                                 const Redactor &redactor);

// The OAuth `error` code of an answer (RFC 6749 §5.2), or the code of an error object.
[[nodiscard]] QString providerErrorOf(const QJsonObject &object);

// An Error for an answer that carries an `error` member.
[[nodiscard]] Error providerError(ErrorCode code, const QJsonObject &object, int httpStatus,
                                  const QString &stage, const Redactor &redactor);

} // namespace EasyCrm::OAuth
