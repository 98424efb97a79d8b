#include "core/crypto/keyxml_p.h"

#include "core/crypto/cryptoerrors_p.h"

#include <QRegularExpression>
#include <QTimeZone>
#include <QXmlStreamReader>

#include <openssl/crypto.h>

namespace EasyCrm::Crypto::Detail {

namespace {

// A key element is five levels deep; anything far deeper is not a key ring.
constexpr int kMaxDepth = 32;

bool readChildren(QXmlStreamReader &reader, XmlNode &node, int depth)
{
    while (!reader.atEnd()) {
        switch (reader.readNext()) {
        case QXmlStreamReader::StartElement: {
            if (depth >= kMaxDepth) {
                reader.raiseError(QStringLiteral("elements nested too deeply"));
                return false;
            }
            XmlNode child;
            child.name = reader.name().toString();
            for (const QXmlStreamAttribute &attribute : reader.attributes())
                child.attributes.insert(attribute.name().toString(), attribute.value().toString());
            if (!readChildren(reader, child, depth + 1))
                return false;
            node.children.append(std::move(child));
            break;
        }
        case QXmlStreamReader::Characters:
            node.text += reader.text();
            break;
        case QXmlStreamReader::EndElement:
            node.text = node.text.trimmed();
            return true;
        default:
            break;
        }
    }
    return !reader.hasError();
}

} // namespace

const XmlNode *XmlNode::child(QStringView localName) const
{
    for (const XmlNode &node : children) {
        if (node.name == localName)
            return &node;
    }
    return nullptr;
}

QString XmlNode::attribute(QStringView localName) const
{
    return attributes.value(localName.toString());
}

Result<XmlNode> parseXmlElement(const QString &xml)
{
    QXmlStreamReader reader(xml);
    // A document node stands in for the parent, so the element parses like any child.
    XmlNode document;
    const bool read = readChildren(reader, document, 0);
    if (!read || reader.hasError() || document.children.size() != 1) {
        // QXmlStreamReader's messages name the kind of fault and the position, never content.
        return keyRingInvalid(QStringLiteral("not one well-formed element (%1 at %2:%3)")
                                  .arg(reader.errorString())
                                  .arg(reader.lineNumber())
                                  .arg(reader.columnNumber()));
    }
    return document.children.takeFirst();
}

QDateTime parseXmlDateTime(QStringView text)
{
    // Groups: 1-3 date, 4-6 time, 7 fraction, 8 zone.
    static const QRegularExpression pattern(
        QStringLiteral(R"(^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2}))"
                       R"((?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?$)"));
    const QRegularExpressionMatch m = pattern.match(text.trimmed().toString());
    if (!m.hasMatch())
        return {};
    const auto field = [&m](int group) {
        return m.capturedView(group).toInt();
    };
    const QDate date(field(1), field(2), field(3));
    const int millis = QString(m.captured(7) + u"00").left(3).toInt();
    const QTime time(field(4), field(5), field(6), millis);
    if (!date.isValid() || !time.isValid())
        return {};
    const QStringView zone = m.capturedView(8);
    int offsetSeconds = 0;
    // No zone at all is not written by the server; reading it as UTC is the safe guess.
    if (zone.size() == 6) {
        offsetSeconds = (zone.mid(1, 2).toInt() * 60 + zone.mid(4, 2).toInt()) * 60;
        if (zone.front() == u'-')
            offsetSeconds = -offsetSeconds;
    }
    return QDateTime(date, time, QTimeZone(offsetSeconds)).toUTC();
}

QString formatXmlDateTime(const QDateTime &dateTime)
{
    const QDateTime utc = dateTime.toUTC();
    const QDate d = utc.date();
    const QTime t = utc.time();
    QString text = QString::asprintf("%04d-%02d-%02dT%02d:%02d:%02d", d.year(), d.month(), d.day(),
                                     t.hour(), t.minute(), t.second());
    // XmlConvert drops a zero fraction and the fraction's trailing zeros.
    if (t.msec() != 0) {
        QString fraction = QString::asprintf(".%03d", t.msec());
        while (fraction.endsWith(u'0'))
            fraction.chop(1);
        text += fraction;
    }
    return text + u'Z';
}

void wipeString(QString &text)
{
    if (text.isEmpty())
        return;
    if (text.isDetached())
        OPENSSL_cleanse(text.data(), size_t(text.size()) * sizeof(QChar));
    text.clear();
}

void wipeTexts(XmlNode &node)
{
    wipeString(node.text);
    for (XmlNode &child : node.children)
        wipeTexts(child);
}

} // namespace EasyCrm::Crypto::Detail
