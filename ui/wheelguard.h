#pragma once

class QWidget;

namespace EasyCrm::Ui {

// A combo box or spin box on a scrolling page turns the mouse wheel into a new value as soon
// as the page scrolls it under the pointer, silently changing a setting (an SSL mode, a port).
// Guarded, `field` takes wheel turns only once it has focus (clicked or tabbed into); until
// then the wheel scrolls the page as if the field were not there.
void takeWheelOnlyWhenFocused(QWidget *field);

} // namespace EasyCrm::Ui
