/* planted_global.c - the nm check's negative control: a library with one
 * writable global, which test_nm.sh must refuse. */
int planted_counter;

int planted_bump(void)
{
    return ++planted_counter;
}
