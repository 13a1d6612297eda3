// implemented by the datagen work
