#include "core/oauth/httpexchange.h"

#include "core/common/secret.h"
#include "core/oauth/logging.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QRegularExpression>

namespace EasyCrm::OAuth {

namespace {

// A provider's JSON answer is a few kilobytes; anything far larger is not one.
constexpr qint64 kMaxBody = 1024 * 1024;
constexpr qsizetype kMaxDescription = 200;
constexpr qsizetype kShortestSecret = 4;

QString translated(const char *text)
{
    return QCoreApplication::translate("EasyCrm::OAuth::HttpExchange", text);
}

// RFC 6749 §5.2 limits `error` to printable ASCII; anything else is not shown at all.
QString sanitizedCode(const QString &code)
{
    static const QRegularExpression shape(QStringLiteral("^[A-Za-z0-9_.\\-]{1,64}$"));
    return shape.match(code).hasMatch() ? code : QString();
}

Error httpError(int status, const QJsonObject &object, const QString &stage,
                const Redactor &redactor)
{
    Error error = providerError(ErrorCode::HttpError, object, status, stage, redactor);
    error.message = translated("The provider refused the request (HTTP %1).").arg(status);
    return error;
}

Error transportError(QNetworkReply *reply, const QString &stage)
{
    const QString host = reply->url().host();
    // Our own aborts disconnect first, so a cancelled reply is the transfer timeout firing.
    if (reply->error() == QNetworkReply::OperationCanceledError) {
        return makeError(ErrorCode::Timeout, translated("The provider did not answer in time."),
                         QStringLiteral("%1: no answer from %2 in time").arg(stage, host));
    }
    return makeError(ErrorCode::NetworkError, translated("The provider could not be reached."),
                     QStringLiteral("%1: network error %2 talking to %3")
                         .arg(stage)
                         .arg(static_cast<int>(reply->error()))
                         .arg(host));
}

Error malformed(const QString &stage, const QString &why)
{
    return makeError(ErrorCode::MalformedResponse,
                     translated("The provider's answer could not be understood."),
                     QStringLiteral("%1: %2").arg(stage, why));
}

// Graph names throttling and outages OAuthException too, like a dead token; its code and
// is_transient tell them apart. They are reported in OAuth's word for "later" (RFC 6749
// §4.1.2.1) so that nobody is sent to re-authenticate over a rate limit.
bool isTransientGraphError(const QJsonObject &error)
{
    // 1 unknown, 2 service, 4 app rate limit, 17 user, 32 page, 341 app limit, 613 calls.
    static const QList<int> transientCodes{1, 2, 4, 17, 32, 341, 613};
    return error.value(u"is_transient").toBool() ||
           transientCodes.contains(error.value(u"code").toInt(-1));
}

// error_description (RFC 6749 §5.2), or the message of a Graph-style error object.
QString descriptionOf(const QJsonObject &object)
{
    const QJsonValue description = object.value(u"error_description");
    if (description.isString())
        return description.toString();
    return object.value(u"error").toObject().value(u"message").toString();
}

} // namespace

void Redactor::add(const QByteArray &secret)
{
    if (secret.size() >= kShortestSecret)
        m_secrets.append(secret);
}

QString Redactor::apply(QString text) const
{
    const QString hidden = QStringLiteral("[redacted]");
    for (const QByteArray &secret : m_secrets) {
        text.replace(QString::fromUtf8(secret), hidden);
        text.replace(QString::fromLatin1(QUrl::toPercentEncoding(QString::fromUtf8(secret))),
                     hidden);
    }
    // Tokens, codes and JWTs are long unbroken runs; prose and URLs are not.
    static const QRegularExpression tokenShaped(QStringLiteral("[A-Za-z0-9._~+/=\\-]{24,}"));
    text.replace(tokenShaped, hidden);
    return text;
}

QNetworkRequest jsonRequest(const QUrl &url, std::chrono::milliseconds timeout)
{
    QNetworkRequest request(url);
    request.setRawHeader("Accept", "application/json");
    request.setTransferTimeout(static_cast<int>(timeout.count()));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    return request;
}

Result<void> checkEndpoint(const QUrl &url, const QString &stage)
{
    const QString host = url.host();
    const bool loopback = host == u"localhost" || QHostAddress(host).isLoopback();
    if (url.isValid() && !host.isEmpty() &&
        (url.scheme() == u"https" || (url.scheme() == u"http" && loopback))) {
        return {};
    }
    return makeError(
        ErrorCode::NetworkError,
        translated("The provider's address is not a secure (https) address."),
        QStringLiteral("%1: refused endpoint with scheme '%2'").arg(stage, url.scheme()));
}

Result<QJsonObject> readJsonObject(QNetworkReply *reply, const QString &stage,
                                   const Redactor &redactor)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0)
        return transportError(reply, stage);
    if (reply->bytesAvailable() > kMaxBody)
        return malformed(stage, QStringLiteral("answer larger than %1 bytes").arg(kMaxBody));
    QByteArray body = reply->readAll();
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    wipe(body);
    qCDebug(lcToken).noquote() << stage << "answered HTTP" << status << "from"
                               << reply->url().host();
    if (status < 200 || status > 299)
        return httpError(status, document.object(), stage, redactor);
    if (parseError.error != QJsonParseError::NoError)
        return malformed(stage, QStringLiteral("not JSON (%1)").arg(parseError.errorString()));
    if (!document.isObject())
        return malformed(stage, QStringLiteral("JSON but not an object"));
    return document.object();
}

QString providerErrorOf(const QJsonObject &object)
{
    const QJsonValue error = object.value(u"error");
    if (error.isString())
        return sanitizedCode(error.toString());
    // Graph-style error objects: {"error": {"type": "OAuthException", "code": 190}}.
    const QJsonObject nested = error.toObject();
    if (isTransientGraphError(nested))
        return QStringLiteral("temporarily_unavailable");
    if (nested.value(u"code").isString())
        return sanitizedCode(nested.value(u"code").toString());
    if (nested.value(u"type").isString())
        return sanitizedCode(nested.value(u"type").toString());
    return {};
}

Error providerError(ErrorCode code, const QJsonObject &object, int httpStatus, const QString &stage,
                    const Redactor &redactor)
{
    Error error;
    error.code = code;
    error.message = translated("The provider answered with an error.");
    error.httpStatus = httpStatus;
    error.providerError = providerErrorOf(object);
    // Redacted before it is cut, so no cut-off piece of a secret survives.
    const QString description = redactor.apply(descriptionOf(object)).left(kMaxDescription);
    error.detail = QStringLiteral("%1: HTTP %2, error '%3'")
                       .arg(stage)
                       .arg(httpStatus)
                       .arg(error.providerError);
    if (!description.isEmpty())
        error.detail += QStringLiteral(": ") + description;
    return error;
}

} // namespace EasyCrm::OAuth
