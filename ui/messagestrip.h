#pragma once

#include <QFrame>

class QLabel;
class QToolButton;

namespace EasyCrm::Ui {

// The outcome of the last action, shown inline above the providers until the person
// dismisses it or a newer outcome replaces it. Text is shown as plain text: messages may
// carry what a server answered, and markup in it must stay inert.
class MessageStrip final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MessageStrip)

public:
    enum class Kind { Success, Error, Info };
    Q_ENUM(Kind)

    explicit MessageStrip(QWidget *parent = nullptr);

    void showMessage(Kind kind, const QString &text);
    Kind kind() const { return m_kind; }
    QString text() const;

signals:
    void dismissed();

public slots:
    void dismiss();

private:
    Kind m_kind = Kind::Info;
    QLabel *m_icon = nullptr;
    QLabel *m_text = nullptr;
    QToolButton *m_dismiss = nullptr;
};

} // namespace EasyCrm::Ui
