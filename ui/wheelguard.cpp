#include "ui/wheelguard.h"

#include <QEvent>
#include <QObject>
#include <QWidget>

namespace EasyCrm::Ui {

namespace {

class WheelGuard final : public QObject
{
public:
    using QObject::QObject;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() != QEvent::Wheel)
            return false;
        auto *field = static_cast<QWidget *>(watched);
        if (field->hasFocus())
            return false;
        // Filtered and ignored: QApplication offers the turn to the parents, so the scroll
        // area around the field scrolls instead.
        event->ignore();
        return true;
    }
};

} // namespace

void takeWheelOnlyWhenFocused(QWidget *field)
{
    // The wheel must not give it focus either, or the next turn would change it after all.
    field->setFocusPolicy(Qt::StrongFocus);
    field->installEventFilter(new WheelGuard(field));
}

} // namespace EasyCrm::Ui
