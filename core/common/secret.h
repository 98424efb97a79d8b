#pragma once

#include <QByteArray>
#include <QString>

namespace EasyCrm {

// Overwrites the bytes of a secret before its memory is released. Detaches first so the
// wipe reaches the only copy this owner holds.
void wipe(QByteArray &secret);
// The same for text, such as a password as it was typed. A buffer other holders still share
// is only let go of: the last of them wipes it.
void wipe(QString &secret);

// Holds a secret and wipes it when it goes out of scope.
class SecretBytes
{
public:
    SecretBytes() = default;
    explicit SecretBytes(QByteArray bytes)
        : m_bytes(std::move(bytes))
    {}
    SecretBytes(const SecretBytes &) = default;
    SecretBytes &operator=(const SecretBytes &) = default;
    ~SecretBytes() { wipe(m_bytes); }

    const QByteArray &bytes() const { return m_bytes; }
    bool isEmpty() const { return m_bytes.isEmpty(); }

private:
    QByteArray m_bytes;
};

// Holds a secret text (a CRM password on its way to the sign-in). Copies share the text, and
// whichever copy goes last wipes it, so it can travel through a worker thread and back.
class SecretString
{
public:
    SecretString() = default;
    explicit SecretString(QString text)
        : m_text(std::move(text))
    {}
    SecretString(const SecretString &) = default;
    SecretString &operator=(const SecretString &other)
    {
        if (this != &other) {
            wipe(m_text);
            m_text = other.m_text;
        }
        return *this;
    }
    ~SecretString() { wipe(m_text); }

    const QString &text() const { return m_text; }
    bool isEmpty() const { return m_text.isEmpty(); }
    void clear() { wipe(m_text); }

private:
    QString m_text;
};

} // namespace EasyCrm
